// Builds a resources::Inventory from what a converter found in a source file: resources with the
// members of their Access Analyzer `Configuration` union member (the inventory format's shape, so
// resources::AnalyzeResource needs no change), account settings, and positioned issues.
//
// Positions: a converted resource has no inventory record; its configuration is synthesised as one
// line of JSON whose RecordLocation maps the resource's primary member (its policy, when it has
// one) exactly onto that member's place in the source file, and every other place in the
// synthesised line onto the same source line. So Resource::position, SARIF results and policy
// errors point at the policy in the CloudFormation template, Terraform plan or Config file; a
// policy's statements are located through the places the converter recorded
// (RecordLocation::policies).
#ifndef PERIMETER_INGEST_INTERNAL_INVENTORY_BUILDER_H_
#define PERIMETER_INGEST_INTERNAL_INVENTORY_BUILDER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/resources/inventory.h"
#include "perimeter/resources/resource.h"

namespace perimeter::ingest::internal {

// One member of a configuration: "bucketPolicy" with its JSON text.
struct ConfigurationMember {
  std::string name;
  std::string json;
  base::SourcePosition position;  // in the source file
  // For a policy member: each Statement element's place in the source file, by statement index,
  // when the converter knows it (empty otherwise: statements are then reported at `position`).
  std::vector<base::SourcePosition> statement_positions = {};
};

// Unknown accounts. A placeholder "{Name}" that stands where an account id goes (the account field
// of an IAM or STS ARN, a whole principal or condition value, a resource's owner) is replaced, in
// every ARN, owner and policy of the inventory, by a reserved id "0000000000NN": the engine reasons
// about 12-digit accounts only, and these ids are refused as zones of trust (IsUnknownAccountId),
// so an unknown account is always outside the zone and its access is reported. A note names each
// one.
inline constexpr std::string_view kUnknownAccountPrefix = "0000000000";
bool IsUnknownAccountId(std::string_view account);

class InventoryBuilder {
 public:
  explicit InventoryBuilder(std::string source_name);

  // Adds `member` to the resource `arn`, creating the resource on first use. Members of one
  // resource may come from several places (Terraform's aws_s3_bucket_policy and aws_s3_bucket_acl):
  // they are merged; the same member twice, or one ARN with two types, is an error at the later
  // place. `primary` marks the member whose place the resource is reported at (its policy).
  void AddMember(resources::ResourceType type, std::string_view arn, std::string_view owner_account,
                 std::string_view region, ConfigurationMember member, bool primary);

  // Statements of a policy built from several source resources (Lambda permissions): collected per
  // ARN and emitted as one policy member `name` when the inventory is finished.
  void AddStatement(resources::ResourceType type, std::string_view arn,
                    std::string_view owner_account, std::string_view region,
                    std::string_view member_name, std::string statement_json,
                    base::SourcePosition position);

  void AddAccount(resources::AccountSettings account);
  // IAM identities and managed policies (from get-account-authorization-details), for internal
  // access analysis: kept as they are, in order.
  void AddPrincipal(resources::IamPrincipalRecord principal) {
    principals_.push_back(std::move(principal));
  }
  void AddGroup(resources::IamPrincipalRecord group) { groups_.push_back(std::move(group)); }
  void AddManagedPolicy(resources::ManagedPolicy policy) {
    managed_policies_.push_back(std::move(policy));
  }

  void Error(std::string_view code, base::SourcePosition position, std::string message);
  // A warning that does not fail the run (values left unknown, items outside Access Analyzer's
  // scope).
  void Note(std::string_view code, base::SourcePosition position, std::string message);
  // Counts a record (a configuration item, a template resource, a plan resource).
  void CountRecord() { ++records_; }
  void SkipRecord() { ++skipped_; }

  // Synthesises every resource's configuration, checks it with its type's module, and returns the
  // inventory (resources in the order they were first named) and the notes.
  resources::Inventory Finish(std::vector<base::Issue>& notes);

 private:
  struct Pending {
    resources::ResourceType type;
    std::string arn, owner_account, region;
    std::vector<ConfigurationMember> members;
    size_t primary = 0;
    bool has_primary = false;
    std::map<std::string, std::vector<std::pair<std::string, base::SourcePosition>>> statements;
  };
  Pending* FindOrAdd(resources::ResourceType type, std::string_view arn,
                     std::string_view owner_account, std::string_view region,
                     base::SourcePosition position);

  std::string source_name_;
  std::vector<Pending> pending_;
  std::map<std::string, size_t, std::less<>> by_arn_;
  std::vector<resources::AccountSettings> accounts_;
  std::vector<resources::IamPrincipalRecord> principals_;
  std::vector<resources::IamPrincipalRecord> groups_;
  std::vector<resources::ManagedPolicy> managed_policies_;
  std::vector<base::Issue> issues_;
  std::vector<base::Issue> notes_;
  size_t records_ = 0;
  size_t skipped_ = 0;
};

}  // namespace perimeter::ingest::internal

#endif  // PERIMETER_INGEST_INTERNAL_INVENTORY_BUILDER_H_
