package io.fjord.log;

/**
 * Creating the requested partitions would leave the process too few file descriptors
 * ({@code ulimit -n}) for its connections and files; nothing was created. Not retriable: the
 * operator raises the limit, lowers {@code fjord.max.open.files}, or creates fewer partitions.
 */
public class DescriptorHeadroomException extends FjordException {
    public DescriptorHeadroomException(String message) {
        super(message);
    }
}
