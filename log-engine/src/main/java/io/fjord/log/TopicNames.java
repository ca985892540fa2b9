package io.fjord.log;

/** Kafka's topic naming rules: 1..249 characters of [a-zA-Z0-9._-], and not "." or "..". */
public final class TopicNames {
    /** Kafka's limit: 255 (file name) minus room for "-" + partition and a ".deleted" style suffix. */
    public static final int MAX_NAME_LENGTH = 249;

    private TopicNames() {
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
