#include "perimeter/cli/analyze_command.h"

#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <ostream>

#include "absl/time/clock.h"
#include "perimeter/analysis/offline_analysis.h"
#include "perimeter/analysis/streamed_analysis.h"
#include "perimeter/cli/app.h"
#include "perimeter/cli/input_files.h"
#include "perimeter/cli/internal_access_command.h"
#include "perimeter/cli/unused_access_command.h"
#include "perimeter/ingest/ingest.h"
#include "perimeter/report/report_formats.h"
#include "perimeter/resources/inventory.h"

namespace perimeter::cli {
namespace {

// A progress bar on stderr, redrawn at most once per percent.
class ProgressBar {
 public:
  explicit ProgressBar(std::ostream& err) : err_(err) {}
  // For a short run: no bar.
  void Disable() { disabled_ = true; }
  void Update(size_t done, size_t total) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (disabled_) return;
    int percent = total == 0 ? 100 : static_cast<int>(done * 100 / total);
    if (percent == last_percent_) return;
    last_percent_ = percent;
    int filled = percent * 30 / 100;
    err_ << "\r[" << std::string(static_cast<size_t>(filled), '#')
         << std::string(static_cast<size_t>(30 - filled), ' ') << "] " << percent << "% " << done
         << "/" << total << " resources" << std::flush;
    if (done == total) err_ << "\r\x1b[2K" << std::flush;
  }

 private:
  std::ostream& err_;
  std::mutex mutex_;
  int last_percent_ = -1;
  bool disabled_ = false;
};

// Reads one input file, in the format given or detected (ingest/ingest.h), into an inventory. Notes
// (placeholders for unknown values, items outside Access Analyzer's types) go to `err` and do not
// fail the run; unreadable records are in the inventory's issues.
bool ReadOne(const std::string& path, const std::string& format,
             const ingest::IngestOptions& ingest_options, std::istream& in,
             std::vector<resources::Inventory>& inventories, std::ostream& err) {
  std::string text;
  if (!ReadInput(path, in, text, err)) return false;
  std::string name = path == "-" ? "<stdin>" : path;
  ingest::IngestResult result;
  if (format == "auto") {
    result = ingest::ReadDetectedInput(name, text, ingest_options);
  } else if (std::optional<ingest::InputFormat> known = ingest::ParseInputFormat(format)) {
    result = ingest::ReadInput(*known, name, text, ingest_options);
  } else {
    err << "error: unknown --input-format \"" << format
        << "\"; use auto, inventory, config, iam-authorization-details, cloudformation or "
           "terraform-plan\n";
    return false;
  }
  for (const base::Issue& note : result.notes) {
    err << name << ":" << base::ToString(note.position) << ": note: " << note.message << " ["
        << note.code << "]\n";
  }
  inventories.push_back(std::move(result.inventory));
  return true;
}

}  // namespace

std::optional<AnalyzeFamily> AnalyzeFamilyOf(const std::string& analyzer_type) {
  if (analyzer_type.empty() || analyzer_type == "ACCOUNT" || analyzer_type == "ORGANIZATION") {
    return AnalyzeFamily::kExternalAccess;
  }
  if (IsInternalAccessAnalyzerType(analyzer_type)) return AnalyzeFamily::kInternalAccess;
  if (analyzer_type == "ACCOUNT_UNUSED_ACCESS" || analyzer_type == "ORGANIZATION_UNUSED_ACCESS") {
    return AnalyzeFamily::kUnusedAccess;
  }
  return std::nullopt;
}

int RunAnalyze(const AnalyzeOptions& options, std::istream& in, std::ostream& out,
               std::ostream& err, bool out_is_terminal, bool err_is_terminal) {
  std::optional<AnalyzeFamily> family = AnalyzeFamilyOf(options.analyzer_type);
  if (!family.has_value()) {
    err << "error: unknown --analyzer-type \"" << options.analyzer_type
        << "\"; use ACCOUNT, ORGANIZATION, ACCOUNT_INTERNAL_ACCESS, ORGANIZATION_INTERNAL_ACCESS, "
           "ACCOUNT_UNUSED_ACCESS or ORGANIZATION_UNUSED_ACCESS\n";
    return kExitBadInput;
  }
  switch (*family) {
    case AnalyzeFamily::kExternalAccess:
    case AnalyzeFamily::kInternalAccess:
      break;
    case AnalyzeFamily::kUnusedAccess:
      return RunUnusedAccessAnalyze(options, in, out, err, out_is_terminal);
  }
  if (!options.zone_account.empty() && !options.zone_org.empty()) {
    err << "error: give --zone-account or --zone-org, not both\n";
    return kExitBadInput;
  }
  bool internal_access = *family == AnalyzeFamily::kInternalAccess;
  if (!internal_access && !options.internal_access_rule.empty()) {
    err << "error: --internal-access-rule needs an --analyzer-type *_INTERNAL_ACCESS\n";
    return kExitBadInput;
  }
  std::string format_name = options.format.value_or(out_is_terminal ? "table" : "json");
  std::optional<report::Format> format = report::ParseFormat(format_name);
  if (!format.has_value()) {
    err << "error: unknown --format \"" << format_name
        << "\"; use table, json, sarif, asff or csv\n";
    return kExitBadInput;
  }

  // Converted inputs stand unknown accounts in with reserved ids (ingest/ingest.h); a zone made of
  // one would put them inside it.
  if (ingest::IsReservedUnknownAccount(options.zone_account)) {
    err << "error: --zone-account " << options.zone_account
        << " is reserved for accounts the input does not name (0000000000NN)\n";
    return kExitBadInput;
  }
  ingest::IngestOptions ingest_options;
  ingest_options.account_id = options.account_id;
  ingest_options.region = options.region;
  for (const std::string& parameter : options.parameters) {
    size_t equals = parameter.find('=');
    if (equals == std::string::npos || equals == 0) {
      err << "error: --parameter takes NAME=VALUE, not \"" << parameter << "\"\n";
      return kExitBadInput;
    }
    ingest_options.parameters[parameter.substr(0, equals)] = parameter.substr(equals + 1);
  }
  std::vector<std::string> files;
  if (!ExpandPaths(options.inputs, {".jsonl", ".json", ".ndjson", ".yaml", ".yml", ".template"},
                   files, err)) {
    return kExitBadInput;
  }
  if (files.empty()) {
    err << "error: no input files found\n";
    return kExitBadInput;
  }
  // Internal access reads every principal and resource before it starts: the inputs are read whole.
  if (internal_access) {
    std::vector<resources::Inventory> inventories;
    bool unreadable = false;
    for (const std::string& file : files) {
      if (!ReadOne(file, options.input_format, ingest_options, in, inventories, err)) {
        unreadable = true;
      }
    }
    if (!options.org_accounts.empty() &&
        !ReadOne(options.org_accounts, "inventory", ingest_options, in, inventories, err)) {
      return kExitBadInput;
    }
    return RunInternalAccess(options, inventories, unreadable, in, out, err, out_is_terminal);
  }
  // A JSON Lines inventory is streamed through the analysis (analysis/streamed_analysis.h); other
  // inputs are read whole first. `whole` keeps the latter (a deque: their addresses stay).
  std::deque<resources::Inventory> whole;
  std::vector<std::unique_ptr<FileLineSource>> streams;
  std::vector<analysis::AnalysisInput> inputs;
  bool unreadable = false;
  auto add_input = [&](const std::string& file, const std::string& format) {
    if (IsStreamableInventory(file, format)) {
      streams.push_back(std::make_unique<FileLineSource>(file));
      inputs.push_back(analysis::AnalysisInput{.lines = streams.back().get(), .source_name = file});
      return true;
    }
    std::vector<resources::Inventory> read;
    if (!ReadOne(file, format, ingest_options, in, read, err)) return false;
    whole.push_back(std::move(read.front()));
    inputs.push_back(analysis::AnalysisInput{.inventory = &whole.back(),
                                             .source_name = whole.back().source_name});
    return true;
  };
  for (const std::string& file : files) {
    if (!add_input(file, options.input_format)) unreadable = true;
  }
  if (!options.org_accounts.empty() && !add_input(options.org_accounts, "inventory")) {
    return kExitBadInput;
  }

  analysis::OfflineAnalysisOptions analysis_options;
  if (!options.zone_account.empty()) {
    analysis_options.zone = {analysis::ZoneChoice::Kind::kAccount, options.zone_account};
  } else if (!options.zone_org.empty()) {
    analysis_options.zone = {analysis::ZoneChoice::Kind::kOrganization, options.zone_org};
  }
  if (!options.archive_rules.empty()) {
    std::optional<std::vector<findings::ArchiveRule>> rules =
        ReadArchiveRules(options.archive_rules, in, err);
    if (!rules.has_value()) return kExitBadInput;
    analysis_options.archive_rules = std::move(*rules);
  }
  analysis_options.threads = options.threads;
  analysis_options.now = absl::Now();
  ProgressBar bar(err);
  bool show_progress = err_is_terminal && !options.quiet;
  if (show_progress) {
    analysis_options.progress = [&bar](size_t done, size_t total) { bar.Update(done, total); };
  }

  absl::StatusOr<std::unique_ptr<analysis::StreamedAnalysis>> analysis =
      analysis::StreamedAnalysis::Prepare(std::move(inputs), std::move(analysis_options));
  if (!analysis.ok()) {
    err << "error: " << analysis.status().message() << "\n";
    return kExitBadInput;
  }
  if (show_progress && (*analysis)->expected_resources() < 1000) bar.Disable();

  // The report is written as the findings come, to the file or to `out`.
  std::ofstream file;
  if (!options.output.empty()) {
    file.open(options.output, std::ios::binary);
    if (!file) {
      err << options.output << ": error: cannot write the output\n";
      return kExitBadInput;
    }
  }
  std::ostream& sink_stream = options.output.empty() ? out : file;
  std::unique_ptr<report::ReportStream> stream = report::NewReportStream(
      *format, {.color = out_is_terminal && !options.no_color}, sink_stream);
  analysis::StreamedResult result = (*analysis)->Run(*stream);
  stream->Finish(result.summary, result.errors);
  sink_stream.flush();
  if (!sink_stream) {
    err << (options.output.empty() ? "<stdout>" : options.output)
        << ": error: cannot write the output\n";
    return kExitBadInput;
  }
  for (const std::unique_ptr<FileLineSource>& source : streams) {
    if (!source->ok()) {
      err << source->path() << ": error: cannot read the file\n";
      unreadable = true;
    }
  }
  // Input errors go to stderr in every format except table, which lists them itself.
  if (*format != report::Format::kTable) {
    for (const analysis::InputError& error : result.errors) {
      err << error.source << ":" << base::ToString(error.issue.position) << ": "
          << base::SeverityName(error.issue.severity) << ": " << error.issue.message << " ["
          << error.issue.code << "]\n";
    }
  }
  if (!options.quiet) err << report::SummaryLine(result.summary) << "\n";
  if (unreadable || !result.errors.empty()) return kExitBadInput;
  return result.summary.active > 0 ? kExitFindings : kExitOk;
}

}  // namespace perimeter::cli
