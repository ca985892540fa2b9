package io.fjord.protocol.broker;

import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.ApiVersionsResponse;

/**
 * ApiVersions: the advertised range of every API the broker serves ({@link SupportedApis}).
 * A version newer than ours gets UNSUPPORTED_VERSION with a v0 body listing ApiVersions' own
 * range, so any client can parse it and retry with a version we know.
 */
final class ApiVersionsHandler implements ApiHandler {
    private final SupportedApis supported;

    ApiVersionsHandler(SupportedApis supported) {
        this.supported = supported;
    }

    @Override
    public void handle(Exchange exchange, ApiMessage request) {
        exchange.respond(response(Errors.NONE));
    }

    /** Called by the router when the version itself is too new to decode. */
    void respondUnsupported(Exchange exchange) {
        ApiVersionsResponse response = new ApiVersionsResponse().setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        SupportedApis.Range own = supported.range(io.fjord.protocol.message.ApiKey.API_VERSIONS);
        response.apiKeys().add(new ApiVersionsResponse.ApiVersion().setApiKey(
                io.fjord.protocol.message.ApiKey.API_VERSIONS.id).setMinVersion(own.min()).setMaxVersion(own.max()));
        exchange.respond(response, (short) 0);
    }

    private ApiVersionsResponse response(Errors error) {
        ApiVersionsResponse response = new ApiVersionsResponse().setErrorCode(error.code());
        supported.forEach((api, range) -> response.apiKeys().add(new ApiVersionsResponse.ApiVersion()
                .setApiKey(api.id).setMinVersion(range.min()).setMaxVersion(range.max())));
        return response;
    }
}
