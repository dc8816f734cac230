// `perimeter analyze` as a pipeline (issue #20, docs/performance.md): the resource records of a
// JSON Lines inventory are parsed, checked and analyzed on the worker threads as the caller's
// reader hands them over, and each resource's findings go to a FindingSink in input order as soon
// as the resources before it are done (a bounded reorder window), so both cores work from the first
// record and memory is bounded by the window and the output, not by the input.
//
// Soundness: every resource's analysis needs the environment (account records, the organization)
// that the input may give anywhere in the file. So a streamed file is read twice: a first pass
// reads every record that is not certainly a resource record (resources::IsResourceRecordLine: the
// top-level "kind" is "resource"), which is cheap since resource records are skipped unparsed; the
// second pass hands the resource records to the workers. Records, issues, positions, duplicate
// checks and the order of findings and errors are those of reading the whole file with
// resources::ReadInventory and analyzing it with AnalyzeInventories.
//
// No I/O: the caller reads the files (LineSource).
#ifndef PERIMETER_ANALYSIS_STREAMED_ANALYSIS_H_
#define PERIMETER_ANALYSIS_STREAMED_ANALYSIS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/analysis/offline_analysis.h"
#include "perimeter/resources/inventory.h"

namespace perimeter::analysis {

// The lines of one JSON Lines inventory file, read by the caller. Called from one thread at a time.
class LineSource {
 public:
  virtual ~LineSource() = default;
  // The next line without its '\n', its 1-based number and the byte offset of its start in the
  // file; false at the end of the input (or when it cannot be read: the caller keeps the error).
  virtual bool NextLine(std::string& line, uint32_t& number, uint64_t& offset) = 0;
  // Back to the first line, for the second pass; false when the input cannot be read again.
  virtual bool Rewind() = 0;
};

// One input file: read whole already (`inventory`: another format converted, a JSON array), or
// JSON Lines to stream (`lines`). The pointee must outlive the StreamedAnalysis.
struct AnalysisInput {
  const resources::Inventory* inventory = nullptr;
  LineSource* lines = nullptr;
  std::string source_name;  // for a streamed file: the name in messages and findings
};

struct StreamedResult {
  OfflineSummary summary;
  // The input errors, as OfflineReport::errors: every file's reading issues in file order, then
  // the analysis errors in input order.
  std::vector<InputError> errors;
};

class StreamedAnalysis {
 public:
  // The first pass: reads the records of streamed files that may describe the environment and
  // builds the zone of trust. Fails (InvalidArgument) as AnalyzeInventories does when the zone
  // cannot be built; no finding has been produced then.
  static absl::StatusOr<std::unique_ptr<StreamedAnalysis>> Prepare(
      std::vector<AnalysisInput> inputs, OfflineAnalysisOptions options);
  ~StreamedAnalysis();
  StreamedAnalysis(const StreamedAnalysis&) = delete;
  StreamedAnalysis& operator=(const StreamedAnalysis&) = delete;

  // The resource records the second pass will hand over (before duplicate checks): the progress
  // callback's total.
  size_t expected_resources() const;

  // The second pass: analyzes every resource on options.threads threads (the caller's among them),
  // giving each finding to `sink` in input order, and returns the summary and the errors. Call
  // once.
  StreamedResult Run(FindingSink& sink);

 private:
  class Pipeline;
  explicit StreamedAnalysis(std::unique_ptr<Pipeline> pipeline);
  std::unique_ptr<Pipeline> pipeline_;
};

}  // namespace perimeter::analysis

#endif  // PERIMETER_ANALYSIS_STREAMED_ANALYSIS_H_
