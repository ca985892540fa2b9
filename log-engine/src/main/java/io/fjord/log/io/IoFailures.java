package io.fjord.log.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * One-line descriptions of I/O failures for operators. {@link FileSystemException#getMessage()} is
 * often only the path (an {@link AccessDeniedException} says "/data/x", not why): this adds the
 * reason, e.g. "/data/x: permission denied".
 */
public final class IoFailures {
    private IoFailures() {
    }

    /** @return what failed and why, e.g. {@code "/var/fjord/.lock: permission denied"} */
    public static String describe(IOException e) {
        return describe(e, null);
    }

    /**
     * @param context the path the caller's message already names: not repeated when it is the one that failed
     * @return what failed and why, e.g. {@code "permission denied"} for the context itself
     */
    public static String describe(IOException e, Path context) {
        if (e instanceof FileSystemException fs) {
            StringBuilder what = new StringBuilder();
            if (fs.getFile() != null && (context == null || !fs.getFile().equals(context.toString()))) {
                what.append(fs.getFile());
            }
            if (fs.getOtherFile() != null) {
                what.append(" -> ").append(fs.getOtherFile());
            }
            String reason = fs.getReason() != null ? fs.getReason() : reason(fs);
            return what.length() == 0 ? reason : what + ": " + reason;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String reason(FileSystemException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists (and is not what was expected there)";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        return e.getClass().getSimpleName();
    }
}
