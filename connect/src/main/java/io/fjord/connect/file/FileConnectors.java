package io.fjord.connect.file;

/** What Fjord's file connectors share. */
final class FileConnectors {
    /** The connectors' version: Fjord's, from the jar manifest when there is one. */
    static final String VERSION = versionOrDevelopment();

    private FileConnectors() {
    }

    private static String versionOrDevelopment() {
        String version = FileConnectors.class.getPackage().getImplementationVersion();
        return version != null ? version : "0.1.0-SNAPSHOT";
    }
}
