package io.fjord.protocol.codegen;

import java.util.Comparator;
import java.util.List;

/**
 * One Java class to emit (a message's top level or one of its structs) with the versions in
 * which it can occur. Knowing those versions lets the emitters drop checks that always hold.
 *
 * @param className       simple name of the class
 * @param label           prefix for error messages, e.g. {@code "ProduceRequest.TopicProduceData"}
 * @param versions        versions in which this struct can occur on the wire
 * @param messageFlexible the message's flexible versions (compact encodings, tagged fields)
 * @param topLevel        the message class itself rather than a nested struct
 */
record StructContext(String className, String label, List<FieldSpec> fields, VersionRange versions,
                     VersionRange messageFlexible, boolean topLevel, MessageSpec message) {

    /** Versions in which a field uses compact encodings: the message's, unless the field overrides. */
    VersionRange flexibleFor(FieldSpec field) {
        return field.flexibleOverride() != null ? field.flexibleOverride() : messageFlexible;
    }

    /** Condition for "this struct ends with a tagged-field section". */
    String flexibleGuard() {
        return VersionGuard.within(messageFlexible, versions);
    }

    VersionRange regularVersions(FieldSpec field) {
        return field.regularVersions().intersect(versions);
    }

    VersionRange taggedVersions(FieldSpec field) {
        return field.taggedVersions().intersect(versions).intersect(messageFlexible);
    }

    /** Fields that travel as tagged fields in some version of this struct, in tag order. */
    List<FieldSpec> taggedFields() {
        return fields.stream()
                .filter(field -> !taggedVersions(field).isNone())
                .sorted(Comparator.comparingInt(FieldSpec::tag))
                .toList();
    }

    /** Condition for "write this tagged field": tagged in this version and not at its default. */
    String taggedCondition(FieldSpec field) {
        String inVersion = VersionGuard.within(taggedVersions(field), versions.intersect(messageFlexible));
        return VersionGuard.and(inVersion, JavaTypes.isNotDefault(field, "this." + JavaNames.field(field.name())));
    }

    String errorLabel(FieldSpec field) {
        return JavaNames.literal(label + "." + JavaNames.field(field.name()));
    }
}
