package io.fjord.client;

/**
 * Keeps a group member alive between polls, as KafkaConsumer's heartbeat thread does: without it
 * a consumer that processes a batch for longer than {@code session.timeout.ms} would be expelled.
 * It only records what it hears ({@link GroupMember#heartbeatOnce}); rejoining happens on the
 * polling thread, where Kafka runs rebalance listeners.
 */
final class HeartbeatThread implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    HeartbeatThread(GroupMember member, long intervalMs, String name) {
        this.thread = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return; // close() interrupts us
                }
                if (running) {
                    member.heartbeatOnce();
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
