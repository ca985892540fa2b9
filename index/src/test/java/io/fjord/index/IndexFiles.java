package io.fjord.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Raw file access for tests, deliberately independent of the mapping code under test. */
final class IndexFiles
{
    private IndexFiles()
    {
    }

    static byte[] readAll(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer bytes = ByteBuffer.allocate((int)channel.size());
            while (bytes.hasRemaining() && channel.read(bytes) >= 0)
            {
                // read until full
            }
            return bytes.array();
        }
    }

    static void write(final Path file, final ByteBuffer bytes) throws IOException
    {
        Files.write(file, java.util.Arrays.copyOf(bytes.array(), bytes.position()));
    }

    /** Linux only: whether this JVM has a mapping of the file with this (real) path. */
    static boolean isMapped(final String realPath) throws IOException
    {
        return Files.readString(Path.of("/proc/self/maps")).contains(realPath);
    }

    static boolean procMapsAvailable()
    {
        return Files.isReadable(Path.of("/proc/self/maps"));
    }
}
