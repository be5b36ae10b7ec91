// A small JSON Schema checker, enough for runtime/report.schema.json: type,
// properties, required, additionalProperties (false), items, enum, const,
// oneOf, minimum, maximum, uniqueItems and local "$ref": "#/$defs/...".
// Returns the first violation as a JSON-pointer-ish path and a reason.
#ifndef MEMSCOPE_TEST_JSON_SCHEMA_CHECK_HPP
#define MEMSCOPE_TEST_JSON_SCHEMA_CHECK_HPP

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>

namespace mstest {

class SchemaCheck {
public:
  explicit SchemaCheck(nlohmann::json schema) : root_(std::move(schema)) {}

  std::optional<std::string> operator()(const nlohmann::json &doc) const {
    return check(root_, doc, "");
  }

private:
  using json = nlohmann::json;

  const json &resolve(const json &s) const {
    if (s.is_object() && s.contains("$ref")) {
      const std::string ref = s["$ref"];
      const std::string prefix = "#/$defs/";
      return root_["$defs"][ref.substr(prefix.size())];
    }
    return s;
  }

  static bool has_type(const json &v, const std::string &t) {
    if (t == "object")
      return v.is_object();
    if (t == "array")
      return v.is_array();
    if (t == "string")
      return v.is_string();
    if (t == "integer")
      return v.is_number_integer();
    if (t == "number")
      return v.is_number();
    if (t == "boolean")
      return v.is_boolean();
    if (t == "null")
      return v.is_null();
    return false;
  }

  std::optional<std::string> check(const json &schema_in, const json &v,
                                   const std::string &at) const {
    const json &s = resolve(schema_in);
    if (s.contains("type") && !has_type(v, s["type"]))
      return at + ": not of type " + s["type"].get<std::string>();
    if (s.contains("const") && v != s["const"])
      return at + ": not " + s["const"].dump();
    if (s.contains("enum")) {
      bool found = false;
      for (const json &e : s["enum"])
        found = found || e == v;
      if (!found)
        return at + ": " + v.dump() + " not in enum";
    }
    if (s.contains("oneOf")) {
      int matches = 0;
      for (const json &alt : s["oneOf"])
        matches += !check(alt, v, at).has_value();
      if (matches != 1)
        return at + ": matches " + std::to_string(matches) + " of oneOf";
    }
    if (v.is_number()) {
      if (s.contains("minimum") && v.get<double>() < s["minimum"].get<double>())
        return at + ": below minimum";
      if (s.contains("maximum") && v.get<double>() > s["maximum"].get<double>())
        return at + ": above maximum";
    }
    if (v.is_object()) {
      if (s.contains("required"))
        for (const json &k : s["required"])
          if (!v.contains(k.get<std::string>()))
            return at + ": missing required \"" + k.get<std::string>() + "\"";
      const json props = s.value("properties", json::object());
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (props.contains(it.key())) {
          if (auto e = check(props[it.key()], it.value(), at + "/" + it.key()))
            return e;
        } else if (s.contains("additionalProperties") &&
                   s["additionalProperties"] == false) {
          return at + ": unexpected property \"" + it.key() + "\"";
        }
      }
    }
    if (v.is_array()) {
      if (s.contains("items"))
        for (std::size_t i = 0; i < v.size(); ++i)
          if (auto e = check(s["items"], v[i], at + "/" + std::to_string(i)))
            return e;
      if (s.value("uniqueItems", false)) {
        std::set<std::string> seen;
        for (const json &e : v)
          if (!seen.insert(e.dump()).second)
            return at + ": duplicate items";
      }
    }
    return std::nullopt;
  }

  json root_;
};

} // namespace mstest

#endif // MEMSCOPE_TEST_JSON_SCHEMA_CHECK_HPP
