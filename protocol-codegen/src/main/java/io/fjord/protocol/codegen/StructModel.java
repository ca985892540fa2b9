package io.fjord.protocol.codegen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All classes generated for one message: the message itself, then every struct it defines inline
 * or takes from its common structs, each with the hull of the versions in which it is used.
 * Structs become flat static nested classes of the message class, as in Kafka's generated code,
 * so a struct name is unique within a message.
 */
final class StructModel {
    private final MessageSpec message;
    private final Map<String, List<FieldSpec>> definitions = new LinkedHashMap<>();
    private final Map<String, VersionRange> usage = new LinkedHashMap<>();

    StructModel(MessageSpec message) {
        this.message = message;
        collectDefinitions(message.fields());
        for (StructSpec common : message.commonStructs()) {
            define(common.name(), common.fields());
            collectDefinitions(common.fields());
        }
        computeUsage();
    }

    private void define(String name, List<FieldSpec> fields) {
        if (definitions.put(name, fields) != null) {
            throw new IllegalArgumentException(message.name() + ": struct " + name + " defined twice");
        }
    }

    private void collectDefinitions(List<FieldSpec> fields) {
        for (FieldSpec field : fields) {
            if (field.definesStruct()) {
                define(field.structTypeName(), field.fields());
                collectDefinitions(field.fields());
            }
        }
    }

    /**
     * Propagates versions from the top level into structs until nothing changes. A struct can be
     * reached along several paths (common structs, a type defined once and referenced again), so a
     * single pass could give an inner struct too narrow a range and drop code paths it needs.
     * Terminates: ranges only grow, within the message's valid versions.
     */
    private void computeUsage() {
        boolean changed = true;
        while (changed) {
            changed = propagate(message.fields(), message.validVersions());
            for (Map.Entry<String, List<FieldSpec>> entry : new ArrayList<>(definitions.entrySet())) {
                VersionRange used = usage.get(entry.getKey());
                if (used != null && !used.isNone()) {
                    changed |= propagate(entry.getValue(), used);
                }
            }
        }
    }

    private boolean propagate(List<FieldSpec> fields, VersionRange context) {
        boolean changed = false;
        for (FieldSpec field : fields) {
            String struct = field.structTypeName();
            if (struct == null) {
                continue;
            }
            if (!definitions.containsKey(struct)) {
                throw new IllegalArgumentException(message.name() + ": unknown struct type " + struct);
            }
            VersionRange used = field.versions().intersect(context);
            VersionRange before = usage.getOrDefault(struct, VersionRange.NONE);
            VersionRange after = before.hull(used);
            if (!after.equals(before)) {
                usage.put(struct, after);
                changed = true;
            }
        }
        return changed;
    }

    List<StructContext> classes() {
        List<StructContext> classes = new ArrayList<>();
        classes.add(new StructContext(message.name(), message.name(), message.fields(), message.validVersions(),
                message.flexibleVersions(), true, message));
        for (Map.Entry<String, List<FieldSpec>> entry : definitions.entrySet()) {
            VersionRange used = usage.getOrDefault(entry.getKey(), VersionRange.NONE);
            if (used.isNone()) {
                // Never on the wire at a valid version (e.g. an unused common struct); still
                // generated so code that names the type compiles.
                used = message.validVersions();
            }
            classes.add(new StructContext(entry.getKey(), message.name() + "." + entry.getKey(), entry.getValue(),
                    used, message.flexibleVersions(), false, message));
        }
        return classes;
    }
}
