package io.fjord.protocol.broker;

import io.fjord.net.RateLimitedLog;
import io.fjord.net.RequestContext;
import io.fjord.net.RequestHandler;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.codec.Readable;
import io.fjord.protocol.message.ApiKey;
import io.fjord.protocol.message.RequestHeader;
import io.fjord.protocol.metrics.BrokerMetrics;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Decodes each request frame and hands it to its API's handler. What Kafka does with bad input,
 * Fjord does too: an unknown API key, an unsupported version (other than ApiVersions, which
 * answers UNSUPPORTED_VERSION in v0) or a malformed request closes that connection, never the
 * broker, and nothing the client sent after it is executed. Each refusal is counted in
 * {@link ProtocolMetrics}; its log line goes through a per-cause rate limit, as a client decides how
 * often it happens. Runs on the network threads.
 */
final class KafkaRequestRouter implements RequestHandler {
    private static final System.Logger LOG = System.getLogger(KafkaRequestRouter.class.getName());
    /** api key (2) + api version (2) + correlation id (4): what is read before the header. */
    private static final int HEADER_PREFIX_BYTES = 8;

    private final SupportedApis supported;
    private final ApiVersionsHandler apiVersions;
    private final Map<ApiKey, ApiHandler> handlers = new EnumMap<>(ApiKey.class);
    private final ProtocolMetrics metrics;
    private final BrokerMetrics brokerMetrics;
    private final RateLimitedLog.Cause noHeaderLog;
    private final RateLimitedLog.Cause unknownApiLog;
    private final RateLimitedLog.Cause unsupportedVersionLog;
    private final RateLimitedLog.Cause malformedLog;
    private final RateLimitedLog.Cause handlerFailedLog;

    KafkaRequestRouter(BrokerState state, FetchPurgatory purgatory, AdminExecutor admin) {
        this.metrics = state.protocolMetrics;
        this.brokerMetrics = state.metrics;
        RateLimitedLog log = RateLimitedLog.perMinute(LOG, state.config.netConfig().logLinesPerCausePerMinute(),
                metrics.logLinesSuppressed);
        this.noHeaderLog = log.cause("request without header");
        this.unknownApiLog = log.cause("unknown API key");
        this.unsupportedVersionLog = log.cause("unsupported version");
        this.malformedLog = log.cause("malformed request");
        this.handlerFailedLog = log.cause("request handler failed");
        this.supported = new SupportedApis();
        this.apiVersions = new ApiVersionsHandler(supported);
        handlers.put(ApiKey.API_VERSIONS, apiVersions);
        handlers.put(ApiKey.METADATA, new MetadataHandler(state, admin));
        handlers.put(ApiKey.PRODUCE, new ProduceHandler(state, state.produceBackPressure));
        handlers.put(ApiKey.FETCH, new FetchHandler(state, purgatory));
        handlers.put(ApiKey.LIST_OFFSETS, new ListOffsetsHandler(state));
        // A new producer id block is written and fsynced (one per thousand producers): admin executor too.
        handlers.put(ApiKey.INIT_PRODUCER_ID, admin.offload(new InitProducerIdHandler(state)));
        // Admin work that waits on the disk (files, fsyncs, the writers) runs on the admin executor.
        handlers.put(ApiKey.CREATE_TOPICS, admin.offload(new CreateTopicsHandler(state)));
        handlers.put(ApiKey.DELETE_TOPICS, admin.offload(new DeleteTopicsHandler(state)));
        handlers.put(ApiKey.CREATE_PARTITIONS, admin.offload(new CreatePartitionsHandler(state)));
        handlers.put(ApiKey.DESCRIBE_CONFIGS, new DescribeConfigsHandler(state));
        handlers.put(ApiKey.ALTER_CONFIGS, admin.offload(new AlterConfigsHandler(state)));
        handlers.put(ApiKey.INCREMENTAL_ALTER_CONFIGS, admin.offload(new IncrementalAlterConfigsHandler(state)));
        handlers.put(ApiKey.DELETE_RECORDS, admin.offload(new DeleteRecordsHandler(state)));
        handlers.put(ApiKey.DESCRIBE_CLUSTER, new DescribeClusterHandler(state));
        handlers.put(ApiKey.FIND_COORDINATOR, new FindCoordinatorHandler(state));
        handlers.put(ApiKey.JOIN_GROUP, new JoinGroupHandler(state));
        handlers.put(ApiKey.SYNC_GROUP, new SyncGroupHandler(state));
        handlers.put(ApiKey.HEARTBEAT, new HeartbeatHandler(state));
        handlers.put(ApiKey.LEAVE_GROUP, new LeaveGroupHandler(state));
        handlers.put(ApiKey.LIST_GROUPS, new ListGroupsHandler(state));
        handlers.put(ApiKey.DESCRIBE_GROUPS, new DescribeGroupsHandler(state));
        handlers.put(ApiKey.DELETE_GROUPS, new DeleteGroupsHandler(state));
        handlers.put(ApiKey.OFFSET_COMMIT, new OffsetCommitHandler(state));
        handlers.put(ApiKey.OFFSET_FETCH, new OffsetFetchHandler(state));
        handlers.put(ApiKey.OFFSET_DELETE, new OffsetDeleteHandler(state));
        supported.forEach((api, range) -> {
            if (!handlers.containsKey(api)) {
                throw new IllegalStateException(api + " is advertised but has no handler");
            }
        });
    }

    @Override
    public void onRequest(RequestContext context) {
        ByteBuffer frame = context.frame();
        if (frame.remaining() < HEADER_PREFIX_BYTES) {
            metrics.requestsWithoutHeader.increment();
            int size = frame.remaining();
            refuse(context, noHeaderLog, () -> "a request of " + size + " bytes has no header");
            return;
        }
        int start = frame.position();
        short apiId = frame.getShort(start);
        short version = frame.getShort(start + 2);
        int correlationId = frame.getInt(start + 4);
        ApiKey api = ApiKey.forId(apiId);
        ApiHandler handler = api == null ? null : handlers.get(api);
        if (handler == null) {
            metrics.unknownApiKeys.increment();
            refuse(context, unknownApiLog, () -> "unknown or unserved API key " + apiId);
            return;
        }
        if (!supported.isSupported(api, version)) {
            if (api == ApiKey.API_VERSIONS) {
                apiVersions.respondUnsupported(new Exchange(context, api, version, correlationId, null));
            } else {
                metrics.unsupportedVersions.increment();
                brokerMetrics.requests().of(api).onError("UNSUPPORTED_VERSION");
                refuse(context, unsupportedVersionLog, () -> api.apiName + " v" + version + " is not supported");
            }
            return;
        }
        Exchange exchange;
        ApiMessage request;
        try {
            Readable in = new Readable(frame);
            RequestHeader header = new RequestHeader(in, api.requestHeaderVersion(version));
            request = api.newRequest();
            request.read(in, version);
            exchange = new Exchange(context, api, version, correlationId, header.clientId());
        } catch (RuntimeException e) {
            metrics.malformedRequests.increment();
            brokerMetrics.requests().of(api).onError("INVALID_REQUEST");
            refuse(context, malformedLog, () -> "malformed " + api.apiName + " v" + version + " request: "
                    + e.getMessage());
            return;
        }
        exchange.handlerStarting(brokerMetrics);
        try {
            handler.handle(exchange, request);
            exchange.handlerReturned();
        } catch (RuntimeException e) {
            exchange.countError("UNKNOWN_SERVER_ERROR");
            metrics.handlerFailures.increment();
            handlerFailedLog.log(System.Logger.Level.ERROR, () -> "Handling " + api.apiName + " v" + version
                    + " from " + context.remoteAddress() + " failed; closing the connection", e);
            context.closeConnection();
        }
    }

    private static void refuse(RequestContext context, RateLimitedLog.Cause logAs, Supplier<String> why) {
        logAs.log(System.Logger.Level.INFO, () -> "Closing connection from " + context.remoteAddress() + ": "
                + why.get(), null);
        context.closeConnection();
    }
}
