package io.fjord.index;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * JDK 22+ mapping owned by a shared {@code java.lang.foreign.Arena}; closing the arena unmaps.
 *
 * <p>The FFM classes are reached through method handles because this module compiles with
 * {@code --release 17}, where {@code java.lang.foreign} does not exist. Handles are resolved
 * once, on first use, and only called when a file is opened or closed, never per lookup.
 *
 * <p>Thread safety: see {@link MappedRegion}.
 */
final class ArenaMappedRegion implements MappedRegion
{
    private final MappedByteBuffer buffer;
    private final AutoCloseable arena;
    private boolean unmapped;

    private ArenaMappedRegion(final MappedByteBuffer buffer, final AutoCloseable arena)
    {
        this.buffer = buffer;
        this.arena = arena;
    }

    static MappedRegion map(final FileChannel channel, final int sizeBytes) throws IOException
    {
        final AutoCloseable arena;
        try
        {
            arena = (AutoCloseable)Handles.OF_SHARED.invoke();
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("cannot create a shared Arena", t);
        }
        try
        {
            final Object segment = Handles.MAP.invoke(channel, FileChannel.MapMode.READ_WRITE, 0L, (long)sizeBytes, arena);
            final ByteBuffer buffer = (ByteBuffer)Handles.AS_BYTE_BUFFER.invoke(segment);
            return new ArenaMappedRegion((MappedByteBuffer)buffer, arena);
        }
        catch (final IOException | RuntimeException | Error e)
        {
            closeQuietlyOnFailure(arena, e);
            throw e;
        }
        catch (final Throwable t)
        {
            closeQuietlyOnFailure(arena, t);
            throw new IllegalStateException("cannot map file into an Arena", t);
        }
    }

    @Override
    public MappedByteBuffer buffer()
    {
        return buffer;
    }

    @Override
    public void unmap()
    {
        if (unmapped)
        {
            return;
        }
        unmapped = true;
        try
        {
            arena.close();
        }
        catch (final RuntimeException e)
        {
            throw e;
        }
        catch (final Exception e)
        {
            // Arena.close declares no checked exception; this cannot happen.
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietlyOnFailure(final AutoCloseable arena, final Throwable cause)
    {
        try
        {
            arena.close();
        }
        catch (final Exception e)
        {
            cause.addSuppressed(e);
        }
    }

    /** Lazily resolved so that loading this package on JDK 17 never touches FFM classes. */
    private static final class Handles
    {
        static final MethodHandle OF_SHARED;
        static final MethodHandle MAP;
        static final MethodHandle AS_BYTE_BUFFER;

        static
        {
            try
            {
                final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                final Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
                final Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
                OF_SHARED = lookup.findStatic(arenaClass, "ofShared", MethodType.methodType(arenaClass));
                MAP = lookup.findVirtual(FileChannel.class, "map", MethodType.methodType(
                    segmentClass, FileChannel.MapMode.class, long.class, long.class, arenaClass));
                AS_BYTE_BUFFER = lookup.findVirtual(segmentClass, "asByteBuffer", MethodType.methodType(ByteBuffer.class));
            }
            catch (final ReflectiveOperationException e)
            {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}
