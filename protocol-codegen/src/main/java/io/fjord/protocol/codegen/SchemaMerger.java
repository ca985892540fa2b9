package io.fjord.protocol.codegen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Merges the kafka-clients 3.9 schemas with the 4.x schemas into one description per message.
 *
 * <p>Why: Kafka 4.0 deleted the versions it stopped serving (Produce v0-2, Fetch v0-3,
 * OffsetCommit v0-1, ListOffsets v0, ...) from its schema files, but Fjord serves clients back to
 * 0.10.1, whose requests only the 3.9 files describe.
 *
 * <p>The rule, per message (matched by name, or by API key and type when 4.x renamed the API,
 * e.g. ListClientMetricsResources became ListConfigResources): let {@code cutoff} be the lowest
 * version 4.x still describes. Versions below the cutoff ("old") are described by 3.9, versions
 * from the cutoff up by 4.x:
 * <ul>
 *   <li>valid versions: {@code min(3.9 lowest, 4.x lowest)} to the 4.x highest;</li>
 *   <li>a field in both files (matched by name, recursively inside structs) keeps its 4.x
 *       declaration, but each of its version sets (versions, nullable, tagged, flexible) becomes
 *       {@code (3.9 set ∩ old) ∪ (4.x set ∩ new)}; the two parts must touch, or the build fails;</li>
 *   <li>a field only 3.9 has (e.g. OffsetCommit's CommitTimestamp v1, ListOffsets'
 *       MaxNumOffsets v0) is kept for the old versions only, and inserted right after the field
 *       that precedes it in the 3.9 file, so old versions keep 3.9's wire order;</li>
 *   <li>a field only 4.x has is kept for the new versions only;</li>
 *   <li>fields present in both must appear in the same relative order, or the build fails:
 *       otherwise no single field order could encode both.</li>
 * </ul>
 * Checked on ProduceRequest (3.9 0-11, 4.x 3-13: merged 0-13, Name 0-12, TopicId 13+),
 * FetchRequest (0-17 / 4-18: merged 0-18), OffsetCommitRequest (0-9 / 2-10: merged 0-10 with
 * CommitTimestamp v1 back between CommittedLeaderEpoch and CommittedMetadata) and
 * MetadataRequest (0-12 / 0-13: nothing old, so 4.x as is); the build prints one line per message
 * that needed 3.9.
 *
 * <p>A message 4.x declares with {@code validVersions "none"} (ControlledShutdown) is dropped:
 * the rule's upper bound is the 4.x highest version, and there is none.
 */
final class SchemaMerger {
    private final Consumer<String> log;
    private final java.util.Set<Integer> unstable39 = new java.util.HashSet<>();

    SchemaMerger(Consumer<String> log) {
        this.log = log;
    }

    Map<String, MessageSpec> merge(Map<String, MessageSpec> kafka39, Map<String, MessageSpec> kafka4) {
        Map<String, MessageSpec> byApi39 = new HashMap<>();
        for (MessageSpec spec : kafka39.values()) {
            if (spec.isApiMessage()) {
                byApi39.put(spec.type() + spec.apiKey(), spec);
            }
            if (spec.isRequest() && spec.latestVersionUnstable()) {
                unstable39.add(spec.apiKey()); // only requests carry the flag; responses follow them
            }
        }
        Map<String, MessageSpec> merged = new LinkedHashMap<>();
        for (MessageSpec newer : kafka4.values()) {
            MessageSpec older = kafka39.get(newer.name());
            if (older == null && newer.isApiMessage()) {
                older = byApi39.get(newer.type() + newer.apiKey());
            }
            MessageSpec result = older == null ? newer : mergeMessage(older, newer);
            if (result.validVersions().isNone()) {
                log.accept("dropped " + newer.name() + ": 4.x describes no valid versions");
                continue;
            }
            merged.put(result.name(), result);
        }
        return merged;
    }

    private MessageSpec mergeMessage(MessageSpec older, MessageSpec newer) {
        if (newer.validVersions().isNone()) {
            return newer;
        }
        // Versions 3.9 itself marked unstable (early-access Share* v0) were never a contract; 4.x
        // dropped them on purpose, so they are not revived.
        boolean olderUnstable = older.isApiMessage() && unstable39.contains(older.apiKey());
        int olderHighestStable = older.validVersions().highest() - (olderUnstable ? 1 : 0);
        VersionRange oldOnly = VersionRange.of(older.validVersions().lowest(),
                Math.min(olderHighestStable, newer.validVersions().lowest() - 1));
        if (older.validVersions().isNone() || oldOnly.isNone()) {
            return newer;
        }
        VersionRange newOnly = VersionRange.of(newer.validVersions().lowest(), VersionRange.OPEN_END);
        Context context = new Context(newer.name(), oldOnly, newOnly);
        VersionRange valid = VersionRange.of(oldOnly.lowest(), newer.validVersions().highest());
        VersionRange flexible = context.split(older.flexibleVersions(), newer.flexibleVersions(), "flexibleVersions");
        List<FieldSpec> fields = context.mergeFields(older.fields(), newer.fields(), newer.name());
        List<StructSpec> common = mergeCommonStructs(context, older.commonStructs(), newer.commonStructs());
        log.accept("merged " + newer.name() + ": versions " + valid + " (" + oldOnly + " from 3.9)"
                + (context.oldOnlyFields.isEmpty() ? "" : "; 3.9-only fields " + context.oldOnlyFields));
        return newer.with(valid, flexible, fields, common);
    }

    private static List<StructSpec> mergeCommonStructs(Context context, List<StructSpec> older, List<StructSpec> newer) {
        Map<String, StructSpec> olderByName = new LinkedHashMap<>();
        older.forEach(struct -> olderByName.put(struct.name(), struct));
        List<StructSpec> merged = new ArrayList<>();
        for (StructSpec struct : newer) {
            StructSpec old = olderByName.remove(struct.name());
            List<FieldSpec> fields = old == null
                    ? context.restrictAll(struct.fields(), context.newOnly)
                    : context.mergeFields(old.fields(), struct.fields(), struct.name());
            merged.add(new StructSpec(struct.name(), fields));
        }
        for (StructSpec old : olderByName.values()) {
            merged.add(new StructSpec(old.name(), context.restrictAll(old.fields(), context.oldOnly)));
        }
        return merged;
    }

    /** Merge state for one message: the version split and what was taken from 3.9. */
    private static final class Context {
        final String message;
        final VersionRange oldOnly;
        final VersionRange newOnly;
        final List<String> oldOnlyFields = new ArrayList<>();

        Context(String message, VersionRange oldOnly, VersionRange newOnly) {
            this.message = message;
            this.oldOnly = oldOnly;
            this.newOnly = newOnly;
        }

        VersionRange split(VersionRange older, VersionRange newer, String what) {
            try {
                return older.intersect(oldOnly).union(newer.intersect(newOnly));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(message + " " + what + ": " + e.getMessage(), e);
            }
        }

        List<FieldSpec> mergeFields(List<FieldSpec> older, List<FieldSpec> newer, String owner) {
            Map<String, FieldSpec> olderByName = new LinkedHashMap<>();
            older.forEach(field -> olderByName.put(field.name(), field));
            checkCommonOrder(older, newer, owner);

            List<FieldSpec> merged = new ArrayList<>();
            for (FieldSpec field : newer) {
                FieldSpec old = olderByName.get(field.name());
                FieldSpec result = old == null ? restrict(field, newOnly) : mergeField(old, field, owner);
                if (!result.versions().isNone()) {
                    merged.add(result);
                }
            }
            // Insert the fields 4.x dropped, each after its predecessor in the 3.9 file.
            String previous = null;
            for (FieldSpec old : older) {
                boolean inNewer = newer.stream().anyMatch(f -> f.name().equals(old.name()));
                if (!inNewer) {
                    FieldSpec restricted = restrict(old, oldOnly);
                    if (!restricted.versions().isNone()) {
                        merged.add(indexAfter(merged, previous), restricted);
                        oldOnlyFields.add(owner + "." + old.name() + " v" + restricted.versions());
                    }
                }
                previous = old.name();
            }
            return merged;
        }

        private static int indexAfter(List<FieldSpec> fields, String name) {
            if (name == null) {
                return 0;
            }
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).name().equals(name)) {
                    return i + 1;
                }
            }
            throw new IllegalStateException("predecessor " + name + " vanished");
        }

        private void checkCommonOrder(List<FieldSpec> older, List<FieldSpec> newer, String owner) {
            List<String> olderNames = older.stream().map(FieldSpec::name).toList();
            List<String> newerNames = newer.stream().map(FieldSpec::name).toList();
            List<String> olderCommon = olderNames.stream().filter(newerNames::contains).toList();
            List<String> newerCommon = newerNames.stream().filter(olderNames::contains).toList();
            if (!olderCommon.equals(newerCommon)) {
                throw new IllegalArgumentException(message + "/" + owner + ": field order differs between 3.9 "
                        + olderCommon + " and 4.x " + newerCommon);
            }
        }

        private FieldSpec mergeField(FieldSpec older, FieldSpec newer, String owner) {
            String where = owner + "." + newer.name();
            if (!older.type().toString().equals(newer.type().toString())) {
                throw new IllegalArgumentException(message + " " + where + ": type " + older.type()
                        + " in 3.9 but " + newer.type() + " in 4.x");
            }
            if (older.isTaggedSomewhere() && newer.isTaggedSomewhere() && older.tag() != newer.tag()) {
                throw new IllegalArgumentException(message + " " + where + ": tag changed");
            }
            VersionRange flexible = null;
            if (older.flexibleOverride() != null || newer.flexibleOverride() != null) {
                flexible = split(Objects.requireNonNullElse(older.flexibleOverride(), VersionRange.ALL),
                        Objects.requireNonNullElse(newer.flexibleOverride(), VersionRange.ALL), where + " flexibleVersions");
            }
            List<FieldSpec> fields = newer.fields();
            if (older.definesStruct() && newer.definesStruct()) {
                fields = mergeFields(older.fields(), newer.fields(), newer.structTypeName());
            } else if (older.definesStruct() != newer.definesStruct()) {
                throw new IllegalArgumentException(message + " " + where + ": struct defined in only one version");
            }
            return newer.withVersions(
                    split(older.versions(), newer.versions(), where + " versions"),
                    split(older.nullableVersions(), newer.nullableVersions(), where + " nullableVersions"),
                    split(older.taggedVersions(), newer.taggedVersions(), where + " taggedVersions"),
                    flexible,
                    fields);
        }

        /** A field restricted to {@code range}, inner struct fields included. */
        FieldSpec restrict(FieldSpec field, VersionRange range) {
            return field.withVersions(
                    field.versions().intersect(range),
                    field.nullableVersions().intersect(range),
                    field.taggedVersions().intersect(range),
                    field.flexibleOverride() == null ? null : field.flexibleOverride().intersect(range),
                    restrictAll(field.fields(), range));
        }

        List<FieldSpec> restrictAll(List<FieldSpec> fields, VersionRange range) {
            List<FieldSpec> restricted = new ArrayList<>();
            for (FieldSpec field : fields) {
                FieldSpec result = restrict(field, range);
                if (!result.versions().isNone()) {
                    restricted.add(result);
                }
            }
            return restricted;
        }
    }
}
