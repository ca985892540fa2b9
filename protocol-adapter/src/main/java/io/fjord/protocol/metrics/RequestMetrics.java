package io.fjord.protocol.metrics;

import io.fjord.protocol.message.ApiKey;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link ApiRequestMetrics} for every Kafka API, indexed by API key: a lookup is an array read.
 * Thread-safe (immutable after construction).
 */
public final class RequestMetrics {
    private final ApiRequestMetrics[] byApiKey;

    public RequestMetrics() {
        int maxId = 0;
        for (ApiKey api : ApiKey.values()) {
            maxId = Math.max(maxId, api.id);
        }
        byApiKey = new ApiRequestMetrics[maxId + 1];
        for (ApiKey api : ApiKey.values()) {
            byApiKey[api.id] = new ApiRequestMetrics(api.apiName);
        }
    }

    public ApiRequestMetrics of(ApiKey api) {
        return byApiKey[api.id];
    }

    /** Every API's metrics, in API-key order. */
    public List<ApiRequestMetrics> all() {
        List<ApiRequestMetrics> all = new ArrayList<>();
        for (ApiRequestMetrics api : byApiKey) {
            if (api != null) {
                all.add(api);
            }
        }
        return all;
    }

    /** Every API that has seen at least one request or error, in API-key order. */
    public List<ApiRequestMetrics> used() {
        List<ApiRequestMetrics> used = new ArrayList<>();
        for (ApiRequestMetrics api : byApiKey) {
            if (api != null && (api.requests() > 0 || !api.errors().isEmpty())) {
                used.add(api);
            }
        }
        return used;
    }
}
