#include "perimeter/analysis/streamed_analysis.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <utility>

#include "absl/status/status.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/resources/analyze_resource.h"
#include "perimeter/resources/policy_analysis_memo.h"

namespace perimeter::analysis {
namespace {

// Records read ahead of the oldest one not yet written: bounds the memory of the pipeline (each
// holds a parsed record and its findings) while letting the workers run past a slow resource.
constexpr size_t kWindow = 512;

// An issue of a streamed file with the line of its record, so that the issues of the two passes can
// be put back in file order.
struct LineIssue {
  uint32_t line;
  base::Issue issue;
};

// What the first pass read of a streamed file.
struct StreamedFile {
  resources::Inventory environment;      // its records that are not certainly resources
  std::vector<uint32_t> issue_lines;     // the record line of each environment.issues entry
  std::vector<uint32_t> resource_lines;  // the line of each environment.resources entry
  std::vector<LineIssue> read_issues;    // the second pass's reading issues, in file order
  std::unordered_set<std::string> arns;  // the resources kept so far (duplicate check)
};

// One resource of the second pass, from its hand-over to its findings.
struct Slot {
  size_t input = 0;
  uint32_t line = 0;
  const resources::Resource* resource = nullptr;  // read before (first pass, or a whole file)
  std::string text;                               // or a record line to read
  uint64_t offset = 0;
  resources::Inventory read;  // what reading `text` gave: at most one resource, its issues
  std::optional<resources::ResourceAnalysis> analysis;
  bool ready = false;
};

}  // namespace

class StreamedAnalysis::Pipeline {
 public:
  Pipeline(std::vector<AnalysisInput> inputs, OfflineAnalysisOptions options)
      : inputs_(std::move(inputs)), options_(std::move(options)), files_(inputs_.size()) {}

  absl::Status FirstPass() {
    started_ = std::chrono::steady_clock::now();
    for (size_t i = 0; i < inputs_.size(); ++i) {
      const AnalysisInput& input = inputs_[i];
      if (input.lines == nullptr) {
        environments_.push_back(input.inventory);
        expected_ += input.inventory->resources.size();
        continue;
      }
      StreamedFile& file = files_[i];
      file.environment.source_name = input.source_name;
      resources::InventoryLineReader reader(file.environment);
      std::string line;
      uint32_t number = 0;
      uint64_t offset = 0;
      while (input.lines->NextLine(line, number, offset)) {
        if (resources::IsResourceRecordLine(line)) {
          ++expected_;
          continue;
        }
        size_t resources_before = file.environment.resources.size();
        reader.ReadLine(line, number, static_cast<uint32_t>(offset));
        file.issue_lines.resize(file.environment.issues.size(), number);
        if (file.environment.resources.size() > resources_before) {
          file.resource_lines.push_back(number);
          ++expected_;
        }
      }
      input.lines->Rewind();
      environments_.push_back(&file.environment);
    }
    // The organization: the one the zone names, or the first one the inputs describe.
    for (const resources::Inventory* inventory : environments_) {
      for (const resources::OrganizationRecord& record : inventory->organizations) {
        bool wanted = options_.zone.kind != ZoneChoice::Kind::kOrganization ||
                      record.organization.id == options_.zone.id;
        if (wanted && !organization_.has_value()) organization_ = record.organization;
      }
    }
    if (options_.zone.kind == ZoneChoice::Kind::kOrganization && !organization_.has_value()) {
      return absl::InvalidArgumentError(
          base::Concat("--zone-org ", options_.zone.id,
                       ": no organization record describes it; give "
                       "its member accounts with --org-accounts FILE"));
    }
    return absl::OkStatus();
  }

  size_t expected() const { return expected_; }

  StreamedResult Run(FindingSink& sink) {
    sink_ = &sink;
    unsigned threads = options_.threads != 0 ? options_.threads
                                             : std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, expected_)));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back([this] { Work(); });
    Work();
    for (std::thread& thread : pool) thread.join();
    {
      std::unique_lock<std::mutex> lock(mutex_);
      Drain(lock);  // every slot is written already; asserted by the loop being empty
    }

    StreamedResult result;
    result.summary = summary_;
    for (size_t i = 0; i < inputs_.size(); ++i) {
      const AnalysisInput& input = inputs_[i];
      if (input.lines == nullptr) {
        for (const base::Issue& issue : input.inventory->issues)
          result.errors.push_back(InputError{input.inventory->source_name, issue});
        continue;
      }
      // The two passes' issues back in file order: each record's issues stay together and in
      // their order (a record is one line, read by one of the passes).
      StreamedFile& file = files_[i];
      std::vector<LineIssue> issues;
      for (size_t k = 0; k < file.environment.issues.size(); ++k)
        issues.push_back(LineIssue{file.issue_lines[k], file.environment.issues[k]});
      issues.insert(issues.end(), file.read_issues.begin(), file.read_issues.end());
      std::stable_sort(issues.begin(), issues.end(),
                       [](const LineIssue& a, const LineIssue& b) { return a.line < b.line; });
      for (LineIssue& issue : issues)
        result.errors.push_back(InputError{input.source_name, std::move(issue.issue)});
    }
    for (InputError& error : analysis_errors_) result.errors.push_back(std::move(error));
    result.summary.input_errors = result.errors.size();
    result.summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    return result;
  }

 private:
  // A worker: takes the next record in input order, reads and analyzes it, and writes every
  // finished slot at the head of the window when no other thread is writing.
  void Work() {
    // Each worker shares the analyses of repeated policies among its own resources
    // (resources/policy_analysis_memo.h: the findings are the same as without it).
    resources::PolicyAnalysisMemo memo;
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      room_.wait(lock, [this] { return exhausted_ || window_.size() < kWindow; });
      if (exhausted_) return;
      Slot* slot = NextSlot();
      if (slot == nullptr) {
        exhausted_ = true;
        room_.notify_all();
        return;
      }
      lock.unlock();
      Process(*slot, memo);
      lock.lock();
      slot->ready = true;
      if (!writing_) {
        writing_ = true;
        Drain(lock);
        writing_ = false;
      }
    }
  }

  // The next resource of the input in order, as a new slot at the end of the window; null at the
  // end. REQUIRES: mutex_ held.
  Slot* NextSlot() {
    while (input_ < inputs_.size()) {
      const AnalysisInput& input = inputs_[input_];
      if (input.lines == nullptr) {
        const std::vector<resources::Resource>& list = input.inventory->resources;
        if (cursor_ < list.size()) {
          Slot& slot = window_.emplace_back();
          slot.input = input_;
          slot.resource = &list[cursor_++];
          return &slot;
        }
      } else {
        StreamedFile& file = files_[input_];
        std::string line;
        uint32_t number = 0;
        uint64_t offset = 0;
        while (input.lines->NextLine(line, number, offset)) {
          if (resources::IsResourceRecordLine(line)) {
            Slot& slot = window_.emplace_back();
            slot.input = input_;
            slot.line = number;
            slot.text = std::move(line);
            slot.offset = offset;
            return &slot;
          }
          // Read by the first pass; a resource it gave is analyzed here, in its place.
          if (cursor_ < file.resource_lines.size() && file.resource_lines[cursor_] == number) {
            Slot& slot = window_.emplace_back();
            slot.input = input_;
            slot.line = number;
            slot.resource = &file.environment.resources[cursor_++];
            return &slot;
          }
        }
      }
      ++input_;
      cursor_ = 0;
    }
    return nullptr;
  }

  // Reads the slot's record if it has not been read, and analyzes its resource. Runs unlocked.
  void Process(Slot& slot, resources::PolicyAnalysisMemo& memo) {
    const resources::Resource* resource = slot.resource;
    if (resource == nullptr) {
      slot.read.source_name = inputs_[slot.input].source_name;
      resources::InventoryLineReader reader(slot.read);
      reader.ReadLine(slot.text, slot.line, static_cast<uint32_t>(slot.offset));
      slot.text = std::string();
      if (!slot.read.resources.empty()) resource = &slot.read.resources.front();
    }
    if (resource == nullptr) return;
    slot.analysis = resources::AnalyzeResource(*resource, FindAccount(resource->owner_account),
                                               ZoneFor(*resource), &memo);
  }

  // Writes the finished slots at the head of the window, in order. REQUIRES: mutex_ held through
  // `lock`, and this thread the only writer.
  void Drain(std::unique_lock<std::mutex>& lock) {
    while (!window_.empty() && window_.front().ready) {
      Slot slot = std::move(window_.front());
      window_.pop_front();
      room_.notify_all();
      lock.unlock();
      Write(slot);
      lock.lock();
    }
  }

  // The slot's issues, findings and counts, as AnalyzeInventories reports them.
  void Write(Slot& slot) {
    ++written_;
    if (options_.progress) options_.progress(written_, expected_);
    const resources::Resource* resource = slot.resource;
    bool streamed = inputs_[slot.input].lines != nullptr;
    if (resource == nullptr) {
      for (base::Issue& issue : slot.read.issues)
        files_[slot.input].read_issues.push_back(LineIssue{slot.line, std::move(issue)});
      if (slot.read.resources.empty()) return;
      resource = &slot.read.resources.front();
    }
    // A whole file's reader checked its duplicates; a streamed file's are checked here, in order.
    if (streamed && !files_[slot.input].arns.insert(resource->arn).second) {
      files_[slot.input].read_issues.push_back(
          LineIssue{slot.line, resources::DuplicateResourceIssue(*resource)});
      return;
    }
    ++summary_.resources;
    for (const base::Issue& issue : slot.analysis->issues) {
      if (issue.severity == base::Severity::kError)
        analysis_errors_.push_back(InputError{resource->source_name, issue});
    }
    for (findings::Finding& finding : slot.analysis->findings) {
      findings::FindingRecord record;
      record.finding = std::move(finding);
      record.status = findings::FindingStatus::kActive;
      record.created_at = record.analyzed_at = record.updated_at = options_.now;
      if (findings::FirstMatchingRule(options_.archive_rules, record) != nullptr) {
        record.status = findings::FindingStatus::kArchived;
      }
      ++summary_.findings;
      if (record.status == findings::FindingStatus::kArchived) {
        ++summary_.archived;
      } else {
        ++summary_.active;
      }
      if (record.finding.is_public) ++summary_.public_findings;
      if (record.finding.error.has_value()) ++summary_.error_findings;
      sink_->Add(record, *resource);
    }
  }

  const resources::AccountSettings* FindAccount(const std::string& account_id) const {
    for (const resources::Inventory* inventory : environments_) {
      if (const resources::AccountSettings* account = inventory->FindAccount(account_id))
        return account;
    }
    return nullptr;
  }

  reasoning::ZoneOfTrust ZoneFor(const resources::Resource& resource) const {
    switch (options_.zone.kind) {
      case ZoneChoice::Kind::kOrganization:
        return reasoning::ZoneOfTrust::ForOrganization(*organization_);
      case ZoneChoice::Kind::kAccount:
        return reasoning::ZoneOfTrust::ForAccount(options_.zone.id, organization_);
      case ZoneChoice::Kind::kOwnerAccount:
        return reasoning::ZoneOfTrust::ForAccount(resource.owner_account, organization_);
    }
    return reasoning::ZoneOfTrust::ForAccount(resource.owner_account, organization_);
  }

  std::vector<AnalysisInput> inputs_;
  OfflineAnalysisOptions options_;
  std::vector<StreamedFile> files_;  // by input; used for streamed inputs only
  std::vector<const resources::Inventory*> environments_;  // by input, in input order
  std::optional<reasoning::Organization> organization_;
  size_t expected_ = 0;
  std::chrono::steady_clock::time_point started_;

  // The second pass. The reading position and the window are guarded by mutex_; the writer's
  // state (summary_, analysis_errors_, files_' read_issues and arns, written_) belongs to the one
  // thread that holds writing_.
  std::mutex mutex_;
  std::condition_variable room_;
  std::deque<Slot> window_;  // references stay valid while other slots come and go at the ends
  size_t input_ = 0;
  size_t cursor_ = 0;  // the next resource of a whole input, or of a first pass's resources
  bool exhausted_ = false;
  bool writing_ = false;
  FindingSink* sink_ = nullptr;
  OfflineSummary summary_;
  std::vector<InputError> analysis_errors_;
  size_t written_ = 0;
};

StreamedAnalysis::StreamedAnalysis(std::unique_ptr<Pipeline> pipeline)
    : pipeline_(std::move(pipeline)) {}

StreamedAnalysis::~StreamedAnalysis() = default;

absl::StatusOr<std::unique_ptr<StreamedAnalysis>> StreamedAnalysis::Prepare(
    std::vector<AnalysisInput> inputs, OfflineAnalysisOptions options) {
  auto pipeline = std::make_unique<Pipeline>(std::move(inputs), std::move(options));
  absl::Status status = pipeline->FirstPass();
  if (!status.ok()) return status;
  return std::unique_ptr<StreamedAnalysis>(new StreamedAnalysis(std::move(pipeline)));
}

size_t StreamedAnalysis::expected_resources() const { return pipeline_->expected(); }

StreamedResult StreamedAnalysis::Run(FindingSink& sink) { return pipeline_->Run(sink); }

}  // namespace perimeter::analysis
