// Strict readers for the JSON shapes of the inventory and of the Access
// Analyzer `Configuration` union: every member is read at most once, members
// nobody reads are errors ("unknown fields are an error for that record":
// docs/inventory.md), and every problem is a positioned base::Issue.
#ifndef PERIMETER_RESOURCES_INTERNAL_CONFIG_READER_H_
#define PERIMETER_RESOURCES_INTERNAL_CONFIG_READER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/json/document.h"
#include "perimeter/json/object_reader.h"
#include "perimeter/policy/policy.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources::internal {

// Issue codes of the inventory and configuration readers.
inline constexpr std::string_view kSyntax = "inventory.syntax";
// The first three are json::ObjectReader's codes under the prefix "inventory".
inline constexpr std::string_view kUnknownField = "inventory.unknown-member";
inline constexpr std::string_view kMissingField = "inventory.missing-member";
inline constexpr std::string_view kWrongType = "inventory.type";
inline constexpr std::string_view kInvalidValue = "inventory.invalid-value";
inline constexpr std::string_view kDuplicate = "inventory.duplicate";
// A `collectionError` record: `perimeter collect` could not read part of the environment.
inline constexpr std::string_view kCollectionGap = "inventory.collection-gap";
inline constexpr std::string_view kInvalidPolicy = "configuration.invalid-policy";
inline constexpr std::string_view kIneffective = "configuration.ineffective";

// Collects the issues of one record, with positions translated to the inventory
// file.
class Diagnostics {
 public:
  explicit Diagnostics(RecordLocation location) : location_(location) {}

  void Error(std::string_view code, const base::SourcePosition &in_record, std::string message);
  void Warning(std::string_view code, const base::SourcePosition &in_record, std::string message);
  // An issue whose position is already in file coordinates.
  void Add(base::Issue issue) { issues_.push_back(std::move(issue)); }

  const RecordLocation &location() const { return location_; }
  const std::vector<base::Issue> &issues() const { return issues_; }
  std::vector<base::Issue> TakeIssues() { return std::move(issues_); }
  bool has_errors() const { return base::HasErrors(issues_); }

 private:
  RecordLocation location_;
  std::vector<base::Issue> issues_;
};

// Reads the members of one JSON object with json::ObjectReader (its checks and
// wording, codes under "inventory"), the issues placed in the file through
// `diagnostics`. `what` names the object in messages ("s3Bucket"). REQUIRES:
// the keys passed to it outlive it (string literals in practice).
class ObjectReader {
 public:
  // Reports a wrong-type error when `value` is not an object (then every read
  // returns nullopt).
  ObjectReader(const json::Value &value, std::string what, Diagnostics &diagnostics);
  ObjectReader(const ObjectReader &) = delete;
  ObjectReader &operator=(const ObjectReader &) = delete;

  bool is_object() const { return value_.is_object(); }
  const json::Value &value() const { return value_; }

  // The member, if present; marks it as read. `required` reports its absence.
  std::optional<json::Value> Member(std::string_view key, bool required = false);
  std::optional<std::string> String(std::string_view key, bool required = false);
  std::optional<bool> Bool(std::string_view key, bool required = false);
  std::optional<std::vector<std::string>> StringList(std::string_view key, bool required = false);
  // An object member, read by a nested reader.
  std::optional<json::Value> Object(std::string_view key, bool required = false);
  // Every member not read so far is an unknown-field error. Call once, after
  // the reads.
  void Finish();

  Diagnostics &diagnostics() { return diagnostics_; }

 private:
  // Moves what reader_ reported into diagnostics_, placed in the file.
  void Flush();
  // The member if present and of `kind`; reported (missing, wrong kind) otherwise.
  std::optional<json::Value> OfKind(std::string_view key, json::Kind kind, bool required);

  json::Value value_;
  std::string what_;
  Diagnostics &diagnostics_;
  std::vector<base::Issue> issues_;  // before reader_, which holds a reference to it
  json::ObjectReader reader_;
};

// A policy as the configuration gives it: a JSON string (AWS's way) or an
// object.
struct PolicySource {
  std::string field;  // "bucketPolicy", for messages
  json::Value value;  // the string or object value
};

// Reads a policy member. An empty string means "no policy" (access previews use
// it to propose deleting one: Access Analyzer API, e.g.
// "SqsQueueConfiguration").
std::optional<PolicySource> ReadPolicyMember(ObjectReader &reader, std::string_view key,
                                             bool required = false);

// Parses a policy of `kind`. Problems are added to `diagnostics`: for a policy
// given as an object at their exact place, for a policy given as a string at
// the string, with the position inside the policy text in the message. Returns
// nullopt when the policy has errors. Each statement's `position` is its place
// in the source file (the `{` of the statement object): through the record's
// location, the string literal's escapes, or for a synthesised configuration
// the converter's table (RecordLocation::policies), else the policy's place.
std::optional<policy::Policy> ParsePolicySource(const PolicySource &source, policy::PolicyKind kind,
                                                Diagnostics &diagnostics);

// aws::IsAccountId (aws/arn.h), under the name this folder calls it by.
bool IsAccountIdText(std::string_view text);

}  // namespace perimeter::resources::internal

#endif  // PERIMETER_RESOURCES_INTERNAL_CONFIG_READER_H_
