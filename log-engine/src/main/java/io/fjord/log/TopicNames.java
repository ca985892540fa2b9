package io.fjord.log;

/**
 * Kafka's topic naming rules: 1..249 characters of [a-zA-Z0-9._-], and not "." or "..". Also which
 * names belong to the broker itself (Kafka's internal topics).
 */
public final class TopicNames {
    /** Kafka's limit: 255 (file name) minus room for "-" + partition and a ".deleted" style suffix. */
    public static final int MAX_NAME_LENGTH = 249;

    /** The group coordinator's topic; the engine creates it, with its own partition count and compaction. */
    public static final String CONSUMER_OFFSETS = "__consumer_offsets";
    /** Kafka's transaction log: reserved, so a later transaction coordinator finds the name free. */
    public static final String TRANSACTION_STATE = "__transaction_state";
    /** Kafka's share-group state topic (KIP-932): reserved likewise. */
    public static final String SHARE_GROUP_STATE = "__share_group_state";
    /** Kafka's KRaft metadata log: never a topic clients may touch, though Kafka does not flag it internal. */
    public static final String CLUSTER_METADATA = "__cluster_metadata";

    private TopicNames() {
    }

    /**
     * Kafka's internal topics ({@code Topic.isInternal}): flagged {@code is_internal} in Metadata, so
     * tools and consumers with {@code exclude.internal.topics} leave them out. A user topic that merely
     * starts with "__" is not one.
     */
    public static boolean isInternal(String name) {
        return CONSUMER_OFFSETS.equals(name) || TRANSACTION_STATE.equals(name) || SHARE_GROUP_STATE.equals(name);
    }

    /**
     * Names only the broker itself may create, delete, alter or write: the internal topics and
     * {@link #CLUSTER_METADATA}. The engine's API does not enforce this (its group coordinator creates
     * {@link #CONSUMER_OFFSETS}); the broker refuses clients' requests on them.
     */
    public static boolean isReserved(String name) {
        return isInternal(name) || CLUSTER_METADATA.equals(name);
    }

    public static boolean isValid(String name) {
        return problem(name) == null;
    }

    /** Throws {@link InvalidTopicException} saying what is wrong with the name. */
    public static void validate(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new InvalidTopicException("Invalid topic name '" + name + "': " + problem);
        }
    }

    private static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "it is empty";
        }
        if (name.equals(".") || name.equals("..")) {
            return "'.' and '..' are not allowed";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "longer than " + MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!legal) {
                return "character '" + c + "' is not one of [a-zA-Z0-9._-]";
            }
        }
        return null;
    }
}
