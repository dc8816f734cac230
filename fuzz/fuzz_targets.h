// The bodies of the fuzz targets, one per parser, and one for the external-access engine's
// self-checks. Each checks the parser's invariants on arbitrary bytes and aborts (via FuzzCheck)
// when one is broken. They are linked into the libFuzzer executables (fuzz/*_fuzzer.cc, built with
// clang) and into an ordinary test that replays the checked-in corpora, so CI covers the corpora
// without clang.
#ifndef PERIMETER_FUZZ_FUZZ_TARGETS_H_
#define PERIMETER_FUZZ_FUZZ_TARGETS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace perimeter::fuzz {

// Aborts with `what` when `condition` is false: a broken invariant is a bug, never an input
// problem.
void FuzzCheck(bool condition, const char* what);

struct FuzzTarget {
  std::string_view name;  // also the corpus folder: fuzz/corpus/<name>/
  int (*run)(const uint8_t* data, size_t size);
};

int FuzzJsonDocument(const uint8_t* data, size_t size);
int FuzzJsonWriter(const uint8_t* data, size_t size);
int FuzzPolicyParser(const uint8_t* data, size_t size);
int FuzzArn(const uint8_t* data, size_t size);
int FuzzConditionValues(const uint8_t* data, size_t size);
int FuzzInventory(const uint8_t* data, size_t size);
int FuzzArchiveRules(const uint8_t* data, size_t size);
int FuzzAwsIni(const uint8_t* data, size_t size);
int FuzzSigV4Header(const uint8_t* data, size_t size);
int FuzzEngine(const uint8_t* data, size_t size);
int FuzzQueryForm(const uint8_t* data, size_t size);
// validation::ValidatePolicy: the first byte picks the policy type and resource type.
int FuzzValidatePolicy(const uint8_t* data, size_t size);
int FuzzAccessPreview(const uint8_t* data, size_t size);
// api::ConsoleRestRequest: the first byte picks the operation.
int FuzzConsoleInput(const uint8_t* data, size_t size);
int FuzzTemplatePolicies(const uint8_t* data, size_t size);
// The collector's readers of AWS answers (XML and JSON) over arbitrary answers.
int FuzzAwsAnswers(const uint8_t* data, size_t size);

// Every target, for the corpus replay test.
const FuzzTarget* AllFuzzTargets(size_t* count);

}  // namespace perimeter::fuzz

#endif  // PERIMETER_FUZZ_FUZZ_TARGETS_H_
