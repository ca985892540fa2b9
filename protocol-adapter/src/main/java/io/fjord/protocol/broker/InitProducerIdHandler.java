package io.fjord.protocol.broker;

import io.fjord.log.FjordException;
import io.fjord.protocol.ErrorMapper;
import io.fjord.protocol.Errors;
import io.fjord.protocol.codec.ApiMessage;
import io.fjord.protocol.message.InitProducerIdRequest;
import io.fjord.protocol.message.InitProducerIdResponse;

/**
 * InitProducerId for idempotent producers: a producer id that never repeats (persisted in
 * blocks), epoch 0; a producer that already has an id gets its epoch bumped (KIP-360).
 * Transactional ids are refused: transactions are not implemented.
 */
final class InitProducerIdHandler implements AdminApiHandler {
    private final BrokerState state;

    InitProducerIdHandler(BrokerState state) {
        this.state = state;
    }

    /** Producers retry a retriable error such as REQUEST_TIMED_OUT (Kafka's TransactionManager re-enqueues it). */
    @Override
    public void refuse(Exchange exchange, ApiMessage request, Errors error) {
        exchange.respond(new InitProducerIdResponse().setProducerId(-1).setProducerEpoch((short) -1)
                .setErrorCode(error.code()));
    }

    @Override
    public void handle(Exchange exchange, ApiMessage message) {
        InitProducerIdRequest request = (InitProducerIdRequest) message;
        InitProducerIdResponse response = new InitProducerIdResponse().setProducerId(-1).setProducerEpoch((short) -1);
        if (request.transactionalId() != null) {
            exchange.respond(response.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
            return;
        }
        try {
            long producerId = request.producerId();
            short epoch = request.producerEpoch();
            if (producerId >= 0 && epoch >= 0 && epoch < Short.MAX_VALUE - 1) {
                response.setProducerId(producerId).setProducerEpoch((short) (epoch + 1));
            } else {
                response.setProducerId(state.engine.allocateProducerId()).setProducerEpoch((short) 0);
            }
        } catch (FjordException e) {
            response.setErrorCode(ErrorMapper.toError(e).code());
        }
        exchange.respond(response);
    }
}
