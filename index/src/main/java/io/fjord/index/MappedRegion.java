package io.fjord.index;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A read-write memory mapping of the start of a file that can be released deterministically.
 *
 * <p>Why not wait for the GC: an index that has been closed or deleted must not keep its pages
 * (and, for deleted files, its disk blocks) alive until some later collection, and a file that
 * is still mapped cannot be re-created cleanly on every platform.
 *
 * <p>Why not {@code org.agrona.IoUtil.unmap}: Agrona 2.x reaches {@code jdk.internal.misc.Unsafe}
 * and fails with {@code IllegalAccessError} unless the JVM runs with
 * {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}; Fjord must not need JVM flags.
 * So there are two implementations: on JDK 22+ the mapping belongs to a shared
 * {@code java.lang.foreign.Arena} (the supported API, no warnings; a stale access throws
 * {@code IllegalStateException} instead of crashing), on JDK 17-21 it is released with
 * {@code sun.misc.Unsafe.invokeCleaner} from the exported {@code jdk.unsupported} module.
 *
 * <p>Thread safety: {@link #buffer()} may be read by any thread; {@link #unmap()} must not race
 * with any access to the buffer (on JDK 17-21 such an access would touch unmapped memory).
 */
interface MappedRegion
{
    /** First JDK feature release whose FileChannel can map into an Arena (JEP 454, final). */
    int ARENA_MAPPING_SINCE_JDK = 22;

    MappedByteBuffer buffer();

    /** Releases the mapping; the buffer must not be used afterwards. Idempotent. */
    void unmap();

    /** Maps bytes {@code [0, sizeBytes)} of the channel's file read-write, big-endian. */
    static MappedRegion mapReadWrite(final FileChannel channel, final int sizeBytes) throws IOException
    {
        if (Runtime.version().feature() >= ARENA_MAPPING_SINCE_JDK)
        {
            try
            {
                return ArenaMappedRegion.map(channel, sizeBytes);
            }
            catch (final UnsupportedOperationException e)
            {
                // A channel of another file system provider (the tests' simulated disk) need not map
                // into an Arena: FileChannel's default refuses. It maps the JDK 17 way.
            }
        }
        return CleanerMappedRegion.map(channel, sizeBytes);
    }
}
