#include "schema_check.hpp"

#include <regex>
#include <set>

namespace stutter::scenario::test {
namespace {

using nlohmann::json;

const std::set<std::string> annotations{"$schema", "$id", "$comment", "$defs", "title", "description", "default",
                                        "examples"};

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

bool has_type(const json& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  if (type == "number") return v.is_number();
  if (type == "integer") {
    if (v.is_number_integer()) return true;
    if (!v.is_number_float()) return false;
    const double d = v.get<double>();
    return d == static_cast<double>(static_cast<long long>(d));
  }
  return false;
}

long double number(const json& v) {
  if (v.is_number_unsigned()) return static_cast<long double>(v.get<std::uint64_t>());
  if (v.is_number_integer()) return static_cast<long double>(v.get<std::int64_t>());
  return static_cast<long double>(v.get<double>());
}

std::string escape(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

class checker {
 public:
  explicit checker(const json& root) : root_(root) {}

  void check(const json& schema, const json& v, const std::string& at, std::vector<std::string>& out) const {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) out.push_back(at + ": not allowed here");
      return;
    }
    auto fail = [&](const std::string& what) { out.push_back(at + ": " + what); };
    for (const auto& [key, rule] : schema.items()) {
      if (annotations.count(key) != 0 || key == "then" || key == "else") continue;
      if (key == "$ref") {
        check(resolve(rule.get<std::string>()), v, at, out);
      } else if (key == "type") {
        bool ok = false;
        if (rule.is_string()) ok = has_type(v, rule.get<std::string>());
        if (rule.is_array()) {
          for (const auto& t : rule) ok = ok || has_type(v, t.get<std::string>());
        }
        if (!ok) fail("not of type " + rule.dump());
      } else if (key == "enum") {
        bool ok = false;
        for (const auto& e : rule) ok = ok || e == v;
        if (!ok) fail(v.dump() + " is not in " + rule.dump());
      } else if (key == "const") {
        if (rule != v) fail(v.dump() + " is not " + rule.dump());
      } else if (key == "properties") {
        if (!v.is_object()) continue;
        for (const auto& [name, sub] : rule.items()) {
          if (v.contains(name)) check(sub, v.at(name), at + "/" + escape(name), out);
        }
      } else if (key == "required") {
        if (!v.is_object()) continue;
        for (const auto& name : rule) {
          if (!v.contains(name.get<std::string>())) fail("missing " + name.dump());
        }
      } else if (key == "additionalProperties") {
        if (!v.is_object()) continue;
        const json* props = schema.contains("properties") ? &schema.at("properties") : nullptr;
        for (const auto& [name, value] : v.items()) {
          if (props != nullptr && props->contains(name)) continue;
          if (rule.is_boolean() && !rule.get<bool>()) {
            fail("key \"" + name + "\" is not allowed");
          } else {
            check(rule, value, at + "/" + escape(name), out);
          }
        }
      } else if (key == "propertyNames") {
        if (!v.is_object()) continue;
        for (const auto& [name, value] : v.items()) check(rule, json(name), at + "/" + escape(name), out);
      } else if (key == "minProperties" || key == "maxProperties") {
        if (!v.is_object()) continue;
        const std::size_t n = v.size();
        if (key == "minProperties" ? n < rule.get<std::size_t>() : n > rule.get<std::size_t>()) {
          fail(std::to_string(n) + " properties violate " + key + " " + rule.dump());
        }
      } else if (key == "prefixItems") {
        if (!v.is_array()) continue;
        for (std::size_t i = 0; i < rule.size() && i < v.size(); ++i) {
          check(rule[i], v[i], at + "/" + std::to_string(i), out);
        }
      } else if (key == "items") {
        if (!v.is_array()) continue;
        const std::size_t first = schema.contains("prefixItems") ? schema.at("prefixItems").size() : 0;
        for (std::size_t i = first; i < v.size(); ++i) check(rule, v[i], at + "/" + std::to_string(i), out);
      } else if (key == "minItems" || key == "maxItems") {
        if (!v.is_array()) continue;
        const std::size_t n = v.size();
        if (key == "minItems" ? n < rule.get<std::size_t>() : n > rule.get<std::size_t>()) {
          fail(std::to_string(n) + " items violate " + key + " " + rule.dump());
        }
      } else if (key == "minimum" || key == "maximum") {
        if (!v.is_number()) continue;
        if (key == "minimum" ? number(v) < number(rule) : number(v) > number(rule)) {
          fail(v.dump() + " violates " + key + " " + rule.dump());
        }
      } else if (key == "minLength" || key == "maxLength") {
        if (!v.is_string()) continue;
        const std::size_t n = code_points(v.get<std::string>());
        if (key == "minLength" ? n < rule.get<std::size_t>() : n > rule.get<std::size_t>()) {
          fail("length " + std::to_string(n) + " violates " + key + " " + rule.dump());
        }
      } else if (key == "pattern") {
        if (!v.is_string() || v.get<std::string>().size() > 256) continue;
        if (!std::regex_search(v.get<std::string>(), std::regex(rule.get<std::string>(), std::regex::ECMAScript))) {
          fail(v.dump() + " does not match " + rule.dump());
        }
      } else if (key == "oneOf" || key == "anyOf" || key == "allOf") {
        std::size_t matched = 0;
        std::vector<std::string> first_problems;
        for (const auto& sub : rule) {
          std::vector<std::string> problems;
          check(sub, v, at, problems);
          if (problems.empty()) {
            ++matched;
          } else if (first_problems.empty()) {
            first_problems = problems;
          }
        }
        if (key == "oneOf" && matched != 1) {
          fail("matches " + std::to_string(matched) + " of the oneOf branches" +
               (first_problems.empty() ? "" : " (e.g. " + first_problems.front() + ")"));
        }
        if (key == "anyOf" && matched == 0) fail("matches none of the anyOf branches");
        if (key == "allOf" && matched != rule.size()) out.insert(out.end(), first_problems.begin(), first_problems.end());
      } else if (key == "not") {
        std::vector<std::string> problems;
        check(rule, v, at, problems);
        if (problems.empty()) fail("matches a schema it must not match: " + rule.dump());
      } else if (key == "if") {
        std::vector<std::string> problems;
        check(rule, v, at, problems);
        const char* branch = problems.empty() ? "then" : "else";
        if (schema.contains(branch)) check(schema.at(branch), v, at, out);
      } else {
        fail("unsupported schema keyword \"" + key + "\"");
      }
    }
  }

 private:
  const json& resolve(const std::string& ref) const {
    if (ref.rfind("#/", 0) != 0) throw std::runtime_error("unsupported $ref " + ref);
    return root_.at(json::json_pointer(ref.substr(1)));
  }

  const json& root_;
};

}  // namespace

std::vector<std::string> schema_problems(const json& schema, const json& instance) {
  std::vector<std::string> out;
  checker(schema).check(schema, instance, "", out);
  return out;
}

}  // namespace stutter::scenario::test
