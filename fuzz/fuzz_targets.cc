#include "fuzz/fuzz_targets.h"

#include <cstdio>
#include <cstdlib>
#include <iterator>

namespace perimeter::fuzz {

void FuzzCheck(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

const FuzzTarget* AllFuzzTargets(size_t* count) {
  static constexpr FuzzTarget kTargets[] = {
      {"json_document", &FuzzJsonDocument},
      {"json_writer", &FuzzJsonWriter},
      {"policy_parser", &FuzzPolicyParser},
      {"arn", &FuzzArn},
      {"condition_values", &FuzzConditionValues},
      {"inventory", &FuzzInventory},
      {"archive_rules", &FuzzArchiveRules},
      {"aws_ini", &FuzzAwsIni},
      {"sigv4_header", &FuzzSigV4Header},
      {"engine", &FuzzEngine},
      {"query_form", &FuzzQueryForm},
      {"validate_policy", &FuzzValidatePolicy},
      {"access_preview", &FuzzAccessPreview},
      {"console_input", &FuzzConsoleInput},
      {"template_policies", &FuzzTemplatePolicies},
      {"aws_answers", &FuzzAwsAnswers},
  };
  *count = std::size(kTargets);
  return kTargets;
}

}  // namespace perimeter::fuzz
