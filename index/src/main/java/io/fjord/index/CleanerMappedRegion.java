package io.fjord.index;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * JDK 17-21 mapping released with {@code sun.misc.Unsafe.invokeCleaner}.
 *
 * <p>{@code sun.misc.Unsafe} lives in the {@code jdk.unsupported} module, which is exported to
 * every module, so this needs no {@code --add-opens}. It is not used on JDK 22+, where
 * {@link ArenaMappedRegion} covers the same need with a supported API (JDK 24+ also prints a
 * deprecation warning on the first {@code invokeCleaner} call).
 *
 * <p>Thread safety: see {@link MappedRegion}.
 */
final class CleanerMappedRegion implements MappedRegion
{
    private final MappedByteBuffer buffer;
    private boolean unmapped;

    private CleanerMappedRegion(final MappedByteBuffer buffer)
    {
        this.buffer = buffer;
    }

    static MappedRegion map(final FileChannel channel, final int sizeBytes) throws IOException
    {
        return new CleanerMappedRegion(channel.map(FileChannel.MapMode.READ_WRITE, 0, sizeBytes));
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
            Cleaner.INVOKE_CLEANER.invoke(Cleaner.UNSAFE, buffer);
        }
        catch (final IllegalAccessException e)
        {
            throw new IllegalStateException("cannot unmap index buffer", e);
        }
        catch (final InvocationTargetException e)
        {
            throw new IllegalStateException("cannot unmap index buffer", e.getCause());
        }
    }

    /** Resolved on first unmap; the reflection cost is paid once per JVM. */
    private static final class Cleaner
    {
        static final Object UNSAFE;
        static final Method INVOKE_CLEANER;

        static
        {
            try
            {
                final Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                final Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
                theUnsafe.setAccessible(true);
                UNSAFE = theUnsafe.get(null);
                INVOKE_CLEANER = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
            }
            catch (final ReflectiveOperationException e)
            {
                throw new ExceptionInInitializerError(e);
            }
        }
    }
}
