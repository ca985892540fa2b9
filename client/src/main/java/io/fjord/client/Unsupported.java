package io.fjord.client;

/** The one place that words "this embedded client cannot do that", so every refusal reads alike. */
final class Unsupported {
    private Unsupported() {
    }

    static UnsupportedOperationException method(String method, String why) {
        return new UnsupportedOperationException("Fjord's embedded client does not support " + method + ": " + why
                + " (see fjord-client README)");
    }
}
