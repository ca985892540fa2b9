package io.fjord.log.group;

/** One member leaving (LeaveGroup v3+ batches members; v0-2 pass one with a null instance id). */
public record LeaveMember(String memberId, String groupInstanceId) {
}
