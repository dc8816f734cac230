// The statements the external-access engine reasons about, numbered together: the policy's, then
// the gate policy's when there is one (external_access.h GatePolicy). Each is evaluated by its own
// compiled policy (its own version and variables); a gate statement reads the gate's ARN.
#ifndef PERIMETER_REASONING_STATEMENT_TABLE_H_
#define PERIMETER_REASONING_STATEMENT_TABLE_H_

#include <string>
#include <vector>

#include "perimeter/eval/compiled_policy.h"
#include "perimeter/policy/policy.h"

namespace perimeter::reasoning {

class StatementTable {
 public:
  // Appends the statements of `compiled`, named `label` in explanations. REQUIRES: `compiled` and
  // `label` outlive the table.
  void Add(const eval::CompiledPolicy& compiled, const std::string& label, bool gate);

  size_t size() const { return entries_.size(); }
  const policy::Statement& statement(size_t i) const { return *statements_[i]; }
  const std::vector<eval::CompiledCondition>& conditions(size_t i) const {
    return entries_[i].policy->conditions(entries_[i].local);
  }
  eval::StatementMatch Match(size_t i, const eval::Request& request, unsigned parts) const {
    return entries_[i].policy->MatchParts(entries_[i].local, request, "", parts);
  }
  bool in_gate(size_t i) const { return entries_[i].gate; }
  const std::string& label(size_t i) const { return *entries_[i].label; }
  const std::vector<const policy::Statement*>& statements() const { return statements_; }
  // Every statement in one policy, for what reads statements without evaluating them (candidate
  // principals, the conditions a finding names). REQUIRES: Add was called.
  const policy::Policy& merged() const { return merged_.statements.empty() ? *first_ : merged_; }

 private:
  struct Entry {
    const eval::CompiledPolicy* policy;
    size_t local;
    bool gate;
    const std::string* label;
  };
  std::vector<Entry> entries_;
  std::vector<const policy::Statement*> statements_;
  const policy::Policy* first_ = nullptr;
  policy::Policy merged_;  // only with a second policy
};

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_STATEMENT_TABLE_H_
