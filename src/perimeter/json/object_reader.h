// Strict reading of one JSON object against the members a format allows: every member read or
// declared ignorable, everything else an error at the member's key. One place for the checks every
// reader of our inputs and request bodies needs, with positioned issues (base::Issue):
//   <prefix>.unknown-member  at the key:   unknown <what> member 'k'[; expected <members>]
//   <prefix>.missing-member  at the object: a <what> needs "k"
//   <prefix>.type            at the value:  'k' must be <expected>, not <kind>
//   <prefix>.type            at the value:  a <what> must be an object[ with <members>], not <kind>
// ("an" before a <what> that starts with a vowel). Duplicate keys need no check here: json::Parse
// reports them, so a reader never sees a document that has any.
//
//   ObjectReader reader(value, "finding", "finding", issues);
//   std::optional<std::string_view> id = reader.RequiredString("id");
//   std::optional<bool> is_public = reader.OptionalBool("isPublic");
//   reader.Ignore("witness");
//   if (!reader.Finish()) return std::nullopt;
//
// REQUIRES: `issues`, and every key passed to the reader (it keeps views of them: string literals
// in practice), outlive the reader. A value that is not an object is reported once (type) and
// every read then gives nothing.
#ifndef PERIMETER_JSON_OBJECT_READER_H_
#define PERIMETER_JSON_OBJECT_READER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/json/document.h"

namespace perimeter::json {

class ObjectReader {
 public:
  // `members` ("ruleName and filter") lists the members the object takes, for the messages about a
  // value that is not an object and about unknown members; empty to list none.
  ObjectReader(Value object, std::string_view code_prefix, std::string_view what,
               std::vector<base::Issue>& issues, std::string_view members = "");

  // The member named `key`, if present (a member asked for is never unknown).
  std::optional<Value> Optional(std::string_view key);
  // As Optional; a missing member is an error (reported by Finish).
  std::optional<Value> Required(std::string_view key);

  // Typed reads: a member of another kind is a type error and gives nothing.
  std::optional<std::string_view> OptionalString(std::string_view key);
  std::optional<std::string_view> RequiredString(std::string_view key);
  std::optional<bool> OptionalBool(std::string_view key);
  // A member that must be of `kind` ("'k' must be an array, not object" otherwise).
  std::optional<Value> OptionalOfKind(std::string_view key, Kind kind);
  std::optional<Value> RequiredOfKind(std::string_view key, Kind kind);

  // A member the format allows and this reader does not use.
  void Ignore(std::string_view key) { known_.push_back(key); }

  // Reports a type error for `value` (a member of this object): "'k' must be <expected>, not
  // <kind>".
  void TypeError(const Value& value, std::string_view expected);

  // Reports every member neither read nor ignored, in document order (`expected_hint`, e.g.
  // "attributeName, orderBy", or else the constructor's `members`, is added to the message when
  // given), then the missing required members. Returns whether this reader added no error at all.
  bool Finish(std::string_view expected_hint = "");

  // Reports the required members found missing so far now rather than in Finish, for a caller that
  // may stop reading before it finishes.
  void ReportMissing();

  bool ok() const { return ok_; }

 private:
  std::optional<std::string_view> StringOf(const std::optional<Value>& value);
  std::optional<Value> OfKind(const std::optional<Value>& value, Kind kind);
  void Add(std::string_view suffix, const base::SourcePosition& position, std::string message);

  Value object_;
  bool is_object_;
  std::string code_prefix_;
  std::string what_;
  std::string members_;
  std::vector<base::Issue>& issues_;
  std::vector<std::string_view> known_;
  std::vector<std::string_view> missing_;  // reported by Finish
  bool ok_ = true;
};

}  // namespace perimeter::json

#endif  // PERIMETER_JSON_OBJECT_READER_H_
