#pragma once
// A small JSON Schema (draft 2020-12) checker for the keywords scenarios/schema.json uses. No
// external validator is available, so this is what lets the tests hold the schema to the loader.
// Supported: $ref (to "#/..."), type, enum, const, properties, required, additionalProperties,
// propertyNames, minProperties, maxProperties, items, prefixItems, minItems, maxItems, minimum,
// maximum, minLength, maxLength (in code points), pattern (strings up to 256 bytes; longer ones
// are not matched), oneOf, anyOf, allOf, not, if/then/else. Any other keyword is reported as a
// problem, so the checker cannot silently ignore part of the schema.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace stutter::scenario::test {

// Problems found, each "<instance pointer>: <what>"; empty when the instance is valid.
std::vector<std::string> schema_problems(const nlohmann::json& schema, const nlohmann::json& instance);

}  // namespace stutter::scenario::test
