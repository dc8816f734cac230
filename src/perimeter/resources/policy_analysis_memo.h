// A memo of the engine's analysis of one policy, for a run that analyzes many resources (issue #20:
// real organizations repeat policies — service trust policies, default key policies — and the
// generator's corpus repeats about 7 % of them). The engine's result for a policy is a function of
// the policy and of the resource it guards; when two resources differ only in a name that nothing
// in the analysis reads, the second one's findings are the first one's with the name replaced.
//
// What goes into the key (internal/findings_builder.cc, PolicyMemoKey), and why it is enough:
//  - the policy model, every field but source positions (positions are re-read from the resource's
//    own policy when findings are instantiated), the policy kind and its label;
//  - the resource type, the owner account, the partition, the ARN's shape: the ARN up to and
//    including its last '/' or ':' (the evaluator reads the service, the account, and prefixes of
//    the resource part such as "role/aws-service-role/" or "key/"), the targets (their actions, and
//    their ARNs with the resource's ARN replaced by a placeholder), the finding sources;
//  - the zone of trust: its type, account, organization id, management account and every member
//    with its OU path.
// The memo is used only where the name cannot matter: no gate policy, every Resource element of the
// policy exactly "*" (or absent, as in trust policies), every target ARN free of wildcards and
// built from the resource's ARN (so each resource class's representative is that ARN itself).
// Instantiating replaces the ARN only where the engine put the resource's own ARN (the finding's
// resource, the witness's resource) and re-reads statement positions; a condition value of the
// policy that happens to spell the ARN comes from the policy text, which the key holds. Only
// results the engine decided on its own are kept (no error finding, nothing from the Z3 oracle: its
// models may depend on the ARN's text), so unknowns are always computed afresh. Anything else is
// analyzed afresh.
//
// Bounded: at most `capacity` entries; when full, it is emptied and refilled. Not thread-safe: one
// memo per worker thread, per run (no global state).
#ifndef PERIMETER_RESOURCES_POLICY_ANALYSIS_MEMO_H_
#define PERIMETER_RESOURCES_POLICY_ANALYSIS_MEMO_H_

#include <cstddef>
#include <string>
#include <unordered_map>

#include "perimeter/reasoning/external_access.h"

namespace perimeter::resources {

class PolicyAnalysisMemo {
 public:
  // One analysis, as computed for the resource whose ARN was `resource_arn`.
  struct Entry {
    std::string resource_arn;
    reasoning::AnalysisResult result;
  };

  explicit PolicyAnalysisMemo(size_t capacity = 4096) : capacity_(capacity) {}

  // The entry stored under `key`, or null.
  const Entry *Find(const std::string &key) const;
  void Insert(std::string key, Entry entry);

  size_t hits() const { return hits_; }
  size_t misses() const { return misses_; }
  size_t size() const { return entries_.size(); }

  // Counts a lookup's outcome (reported by benchmarks and tests).
  void CountHit() { ++hits_; }
  void CountMiss() { ++misses_; }

 private:
  size_t capacity_;
  std::unordered_map<std::string, Entry> entries_;
  size_t hits_ = 0;
  size_t misses_ = 0;
};

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_POLICY_ANALYSIS_MEMO_H_
