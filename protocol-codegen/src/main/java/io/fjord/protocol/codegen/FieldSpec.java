package io.fjord.protocol.codegen;

import java.util.List;

/**
 * One field of a message or struct, as declared in a schema (after the 3.9/4.x merge).
 *
 * @param versions          versions in which the field exists (regular or tagged)
 * @param nullableVersions  versions in which it may be null on the wire
 * @param taggedVersions    versions in which it travels as a tagged field ({@link VersionRange#NONE} if never)
 * @param tag               its tag number, or -1 if it is never tagged
 * @param flexibleOverride  a field-level {@code flexibleVersions}, or null to follow the message
 *                          (only RequestHeader's ClientId uses it: it stays a plain int16 string in v2)
 * @param defaultValue      the schema's {@code default} attribute as text, or null if absent
 * @param fields            the struct's fields when this field defines a struct inline, else empty
 */
record FieldSpec(String name, FieldType type, VersionRange versions, VersionRange nullableVersions,
                 VersionRange taggedVersions, int tag, VersionRange flexibleOverride, String defaultValue,
                 boolean ignorable, String about, List<FieldSpec> fields) {

    boolean isTaggedSomewhere() {
        return !taggedVersions.isNone();
    }

    /**
     * Versions in which the field is a regular (positional) field. Tagged versions are an
     * open-ended tail of the field's versions, so what remains is a prefix.
     */
    VersionRange regularVersions() {
        if (taggedVersions.isNone()) {
            return versions;
        }
        return VersionRange.of(versions.lowest(), taggedVersions.lowest() - 1).intersect(versions);
    }

    boolean definesStruct() {
        return !fields.isEmpty();
    }

    /** The struct type this field holds (directly or as array elements), or null. */
    String structTypeName() {
        if (type.isStruct()) {
            return type.structName();
        }
        if (type.isStructArray()) {
            return type.element().structName();
        }
        return null;
    }

    FieldSpec withVersions(VersionRange newVersions, VersionRange newNullable, VersionRange newTagged,
                           VersionRange newFlexible, List<FieldSpec> newFields) {
        return new FieldSpec(name, type, newVersions, newNullable, newTagged, tag, newFlexible,
                defaultValue, ignorable, about, newFields);
    }
}
