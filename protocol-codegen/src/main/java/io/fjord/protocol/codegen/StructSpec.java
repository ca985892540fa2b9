package io.fjord.protocol.codegen;

import java.util.List;

/** A named struct: a message's top level, an inline struct type, or a common struct. */
record StructSpec(String name, List<FieldSpec> fields) {
}
