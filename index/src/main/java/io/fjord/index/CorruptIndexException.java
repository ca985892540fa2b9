package io.fjord.index;

import java.io.IOException;

/**
 * An index file whose length or contents break the index invariants (a length that is not a
 * whole number of entries, offsets out of order, positions beyond the log).
 *
 * <p>Indexes are derived data, so the usual reaction is to delete the file and rebuild it from
 * the log segment rather than to fail the partition.
 */
public class CorruptIndexException extends IOException
{
    private static final long serialVersionUID = 1L;

    public CorruptIndexException(final String message)
    {
        super(message);
    }
}
