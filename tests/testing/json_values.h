// Reading JSON replies in tests with the product's own parser (json::Document): parse a reply, look
// a value up by path, and compare values as text.
//
//   json::Document body = ParseJson(response.body);
//   EXPECT_EQ(JsonText(JsonAt(body.root(), "/fieldList/0/name")), "analyzerName");
//   EXPECT_EQ(CanonicalJson(*JsonAt(body.root(), "/filter")), CanonicalJson(R"({"a": [1]})"));
#ifndef PERIMETER_TESTS_TESTING_JSON_VALUES_H_
#define PERIMETER_TESTS_TESTING_JSON_VALUES_H_

#include <optional>
#include <string>
#include <string_view>

#include "perimeter/json/document.h"

namespace perimeter_testing {

// Parses `text`. Text that is not JSON fails the calling test (with the parser's first issue and
// the text) and gives the document `null`, so the test can go on without touching an empty
// document.
perimeter::json::Document ParseJson(std::string text);

// The value at `path`, a JSON Pointer (RFC 6901) without escapes: "" is `root`, "/a/0/b" is member
// "b" of element 0 of member "a". Nothing when a step is missing or the wrong kind.
std::optional<perimeter::json::Value> JsonAt(perimeter::json::Value root, std::string_view path);

// `value` as compact JSON with every object's members sorted by key (numbers as written), so that
// equal values laid out differently give one text.
std::string CanonicalJson(perimeter::json::Value value);
// The same for a JSON text; text that is not JSON fails the calling test.
std::string CanonicalJson(std::string_view text);

// What a test compares: a string's decoded text, any other value as CanonicalJson, and "<missing>"
// for nothing.
std::string JsonText(const std::optional<perimeter::json::Value>& value);

}  // namespace perimeter_testing

#endif  // PERIMETER_TESTS_TESTING_JSON_VALUES_H_
