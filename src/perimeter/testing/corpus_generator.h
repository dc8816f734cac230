// The project's own seedable generator of resource corpora for tests and benchmarks: resources of
// every type of the inventory format (docs/inventory.md) with the policies and sharing settings
// found in real accounts (console and CLI defaults, service integrations, cross-account and
// organization grants, federated trust) and the adversarial shapes a sound analyzer must not fall
// into (Deny with NotPrincipal, Allow with NotPrincipal, NotAction, NotResource, IfExists and
// ForAllValues on missing keys, Null, NotIpAddress, wildcard account ids, policy variables, ...).
// See docs/corpus.md.
//
// Contract:
//  - Deterministic across platforms and standard libraries: the only randomness is splitmix64
//    (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) with the
//    project's own range and choice functions (CorpusRandom); no <random> distribution is used.
//  - Prefix-stable: record i is drawn from its own stream seeded with (seed, i), so the first N
//  records
//    of a corpus of M > N records equal the corpus of N records with the same options.
//  - Pure: values in, text out; no I/O (apps/perimeter_gen_corpus.cc writes files).
#ifndef PERIMETER_TESTING_CORPUS_GENERATOR_H_
#define PERIMETER_TESTING_CORPUS_GENERATOR_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "perimeter/resources/resource.h"

namespace perimeter::corpus {

// splitmix64 and the generator's own integer-range and choice functions
// (std::uniform_int_distribution's output is implementation-defined, so it is not used).
class CorpusRandom {
 public:
  explicit CorpusRandom(uint64_t state) : state_(state) {}
  // The stream of record `index` of the corpus seeded with `seed`.
  static CorpusRandom ForRecord(uint64_t seed, uint64_t index);

  uint64_t Next();
  // Uniform in [0, n) by rejection (no modulo bias). REQUIRES: n > 0.
  uint64_t Below(uint64_t n);
  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  int64_t Between(int64_t lo, int64_t hi);
  // True with probability percent / 100.
  bool Percent(int percent) { return Below(100) < static_cast<uint64_t>(percent); }
  template <typename T>
  const T& Pick(const std::vector<T>& values) {
    return values[Below(values.size())];
  }
  std::string_view Pick(std::initializer_list<std::string_view> values) {
    return values.begin()[Below(values.size())];
  }
  // `n` characters of `alphabet`.
  std::string Chars(size_t n, std::string_view alphabet);
  std::string Hex(size_t n) { return Chars(n, "0123456789abcdef"); }

 private:
  uint64_t state_;
};

// The resource types the generator draws: every resources::ResourceType (a type it cannot write
// fails to compile, GenerateCorpusRecord's switch), by AWS's name (resources::ResourceTypeName,
// "AWS::S3::Bucket"); nullopt for another name.
std::optional<resources::ResourceType> ParseCorpusResourceType(std::string_view name);
// Every type, in the generator's draw order.
const std::vector<resources::ResourceType>& AllCorpusResourceTypes();
// The seven types the first corpora held (S3 buckets, IAM role trust, KMS key policies, Lambda
// functions, SQS, SNS, Secrets Manager): a choice for runs comparable with earlier figures.
const std::vector<resources::ResourceType>& PolicyCorpusResourceTypes();

// Families of shapes that can be switched off one by one (each is on by default). They were added
// for issue #12 and exercise engine areas under active work; a test may leave a family out until
// the engine handles it (docs/corpus.md lists what each holds).
enum class CorpusShapeFamily {
  // aws:PrincipalOrgPaths naming foreign organizations, OU paths of foreign organizations, and
  // paths of
  // the zone's organization outside the trusted part (StringLike, StringEquals,
  // ForAnyValue:StringLike,
  // ForAnyValue:StringEquals).
  kOrgPaths,
  // aws:SourceArn / aws:PrincipalArn patterns whose account field is a wildcard
  // (arn:aws:iam::*:role/Admin, arn:aws:s3:::*, arn:aws:*:*:*:*).
  kArnWildcards,
  // aws:ResourceAccount and aws:ResourceOrgID conditions.
  kResourceAccount,
  // More federated trust: web identity providers (Google, Facebook, Login with Amazon), OIDC and
  // SAML
  // providers of other accounts, Cognito without aud, unauthenticated identities.
  kFederated,
  // ARN operators (ArnLike, ArnEquals, ArnNotLike, ArnNotEquals) with values that are not ARNs.
  kArnNonArnValues,
  // Policy variables whose key a request may lack, granted to anyone: ${aws:ResourceTag/team} as a
  // condition value, ${aws:PrincipalTag/team} in a Resource of a Principal "*" statement.
  kPolicyVariables,
};
std::string_view CorpusShapeFamilyName(CorpusShapeFamily family);  // "org-paths", ...
std::optional<CorpusShapeFamily> ParseCorpusShapeFamily(std::string_view name);
const std::vector<CorpusShapeFamily>& AllCorpusShapeFamilies();

struct CorpusAccount {
  std::string account_id;
  std::string ou_path;  // what aws:PrincipalOrgPaths carries for its principals
};

struct CorpusOptions {
  uint64_t seed = 1;
  // The owner of every resource; the organization's management account.
  std::string zone_account = "123456789012";
  std::string organization_id = "o-a1b2c3d4e5";
  // The organization's other accounts.
  std::vector<std::string> members = {"111122223333", "444455556666", "210987654321"};
  std::string region = "us-east-1";
  // Resource types drawn from (each with its weight); empty means every type.
  std::vector<resources::ResourceType> types;
  std::set<CorpusShapeFamily> families = {AllCorpusShapeFamilies().begin(),
                                          AllCorpusShapeFamilies().end()};
};

// The organization of the options: the zone account first, then the members, each with its OU path
// (some nested two levels deep).
std::vector<CorpusAccount> CorpusOrganizationAccounts(const CorpusOptions& options);

// One generated resource.
struct CorpusRecord {
  resources::ResourceType type = resources::ResourceType::kS3Bucket;
  std::string arn;
  std::string account;
  std::string region;  // empty for IAM roles (global)
  // The resource's main policy as compact JSON text; empty when it has none (snapshots, a bucket
  // shared only by its ACL).
  std::string policy;
  // The inventory configuration member, e.g. {"s3Bucket":{...}} (docs/inventory.md).
  std::string configuration;
  // The shapes the record was built from ("s3:cross-account", "trap:if-exists", ...), for reports.
  std::vector<std::string> labels;
};

// Record `index` of the corpus of `options`.
CorpusRecord GenerateCorpusRecord(const CorpusOptions& options, uint64_t index);

enum class CorpusFormat {
  // {"arn", "resource_type", "account", "region", "policy"} per resource (the policy as a JSON
  // object).
  kLines,
  // docs/inventory.md: one organization record, one account record per account, then the resources.
  kInventory,
};

// The "lines" record of a resource, and its inventory record.
std::string CorpusLine(const CorpusRecord& record, bool with_labels = false);
std::string CorpusInventoryRecord(const CorpusRecord& record, bool with_labels = false);
// The records an inventory starts with: the organization, then one account record per account.
std::vector<std::string> CorpusInventoryHeader(const CorpusOptions& options);

// The `count` records of the corpus in `format`, one JSON text each (the inventory header first).
std::vector<std::string> GenerateCorpus(const CorpusOptions& options, size_t count,
                                        CorpusFormat format, bool with_labels = false);

}  // namespace perimeter::corpus

#endif  // PERIMETER_TESTING_CORPUS_GENERATOR_H_
