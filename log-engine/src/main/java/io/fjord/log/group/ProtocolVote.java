package io.fjord.log.group;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's protocol selection: among the protocols every member supports, each member votes for
 * the one it lists first; the most votes win. Ties go to the protocol that reached its count
 * first in member order, so the choice is deterministic. Stateless.
 */
final class ProtocolVote {
    private ProtocolVote() {
    }

    /** Protocols supported by every member, in the first member's order. */
    static Set<String> candidates(Collection<MemberMetadata> members) {
        Set<String> candidates = new LinkedHashSet<>();
        boolean first = true;
        for (MemberMetadata member : members) {
            if (first) {
                member.protocols.forEach(p -> candidates.add(p.name()));
                first = false;
            } else {
                candidates.removeIf(name -> !member.supports(name));
            }
        }
        return candidates;
    }

    /** The winning protocol, or null when the members share none. */
    static String select(Collection<MemberMetadata> members) {
        Set<String> candidates = candidates(members);
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (MemberMetadata member : members) {
            for (JoinProtocol protocol : member.protocols) {
                if (candidates.contains(protocol.name())) {
                    votes.merge(protocol.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String winner = null;
        int best = 0;
        for (Map.Entry<String, Integer> entry : votes.entrySet()) {
            if (entry.getValue() > best) {
                winner = entry.getKey();
                best = entry.getValue();
            }
        }
        return winner;
    }
}
