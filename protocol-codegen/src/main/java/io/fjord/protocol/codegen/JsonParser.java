package io.fjord.protocol.codegen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON reader for Kafka's message schema files.
 *
 * <p>The schema files are JSON plus {@code //} line comments (the Apache license header and
 * per-version notes), so plain JSON parsers reject them. This reader skips {@code //} and
 * {@code /* *}{@code /} comments wherever whitespace is allowed. Objects become
 * {@link LinkedHashMap}s (field order matters: it is the wire order), arrays {@link List}s,
 * numbers {@link Long} (the schemas hold only integers), and {@code true/false/null} their Java
 * counterparts.
 *
 * <p>Not thread-safe: one instance per document.
 */
final class JsonParser {
    private final String text;
    private int position;

    private JsonParser(String text) {
        this.text = text;
    }

    static Object parse(String text) {
        JsonParser parser = new JsonParser(text);
        Object value = parser.readValue();
        parser.skipWhitespaceAndComments();
        if (parser.position != text.length()) {
            throw parser.error("trailing content");
        }
        return value;
    }

    private Object readValue() {
        skipWhitespaceAndComments();
        if (position >= text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(position);
        switch (c) {
            case '{':
                return readObject();
            case '[':
                return readArray();
            case '"':
                return readString();
            case 't':
                expectWord("true");
                return Boolean.TRUE;
            case 'f':
                expectWord("false");
                return Boolean.FALSE;
            case 'n':
                expectWord("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return readNumber();
                }
                throw error("unexpected character '" + c + "'");
        }
    }

    private Map<String, Object> readObject() {
        Map<String, Object> object = new LinkedHashMap<>();
        position++; // '{'
        skipWhitespaceAndComments();
        if (peek() == '}') {
            position++;
            return object;
        }
        while (true) {
            skipWhitespaceAndComments();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String name = readString();
            skipWhitespaceAndComments();
            expect(':');
            // A repeated member keeps its last value, as Jackson (Kafka's own reader) does: 3.9's
            // DescribeTopicPartitionsRequest.json declares "versions" twice for one field.
            object.put(name, readValue());
            skipWhitespaceAndComments();
            char c = next();
            if (c == '}') {
                return object;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> readArray() {
        List<Object> array = new ArrayList<>();
        position++; // '['
        skipWhitespaceAndComments();
        if (peek() == ']') {
            position++;
            return array;
        }
        while (true) {
            array.add(readValue());
            skipWhitespaceAndComments();
            char c = next();
            if (c == ']') {
                return array;
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private String readString() {
        expect('"');
        StringBuilder builder = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return builder.toString();
            }
            if (c != '\\') {
                builder.append(c);
                continue;
            }
            char escaped = next();
            switch (escaped) {
                case '"', '\\', '/' -> builder.append(escaped);
                case 'b' -> builder.append('\b');
                case 'f' -> builder.append('\f');
                case 'n' -> builder.append('\n');
                case 'r' -> builder.append('\r');
                case 't' -> builder.append('\t');
                case 'u' -> {
                    if (position + 4 > text.length()) {
                        throw error("truncated \\u escape");
                    }
                    builder.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                    position += 4;
                }
                default -> throw error("bad escape '\\" + escaped + "'");
            }
        }
    }

    private Long readNumber() {
        int start = position;
        if (peek() == '-') {
            position++;
        }
        while (position < text.length() && Character.isDigit(text.charAt(position))) {
            position++;
        }
        if (position < text.length() && ".eE".indexOf(text.charAt(position)) >= 0) {
            throw error("fractional numbers are not used by the schemas");
        }
        return Long.parseLong(text.substring(start, position));
    }

    private void skipWhitespaceAndComments() {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (Character.isWhitespace(c)) {
                position++;
            } else if (text.startsWith("//", position)) {
                int end = text.indexOf('\n', position);
                position = end < 0 ? text.length() : end + 1;
            } else if (text.startsWith("/*", position)) {
                int end = text.indexOf("*/", position + 2);
                if (end < 0) {
                    throw error("unterminated comment");
                }
                position = end + 2;
            } else {
                return;
            }
        }
    }

    private void expectWord(String word) {
        if (!text.startsWith(word, position)) {
            throw error("expected '" + word + "'");
        }
        position += word.length();
    }

    private void expect(char expected) {
        if (next() != expected) {
            throw error("expected '" + expected + "'");
        }
    }

    private char peek() {
        if (position >= text.length()) {
            throw error("unexpected end of input");
        }
        return text.charAt(position);
    }

    private char next() {
        char c = peek();
        position++;
        return c;
    }

    private IllegalArgumentException error(String message) {
        int line = 1;
        for (int i = 0; i < Math.min(position, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return new IllegalArgumentException("JSON: " + message + " at line " + line);
    }
}
