#include "perimeter/collect/collector.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <optional>
#include <thread>

#include "absl/status/status.h"
#include "perimeter/aws/regions.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/collect/services.h"
#include "perimeter/json/writer.h"

namespace perimeter::collect {

size_t CollectSummary::TotalResources() const {
  size_t total = 0;
  for (const auto& [type, count] : resources) total += count;
  return total;
}

size_t CollectSummary::TotalErrors() const {
  size_t total = 0;
  for (const auto& [kind, count] : errors) total += count;
  return total;
}

namespace {

// The output and the summary, behind one mutex: records are whole lines, never interleaved.
class Output final : public RecordSink {
 public:
  Output(const LineWriter& write, const std::function<void(const CollectionError&)>& on_error,
         CollectSummary& summary)
      : write_(write), on_error_(on_error), summary_(summary) {}
  void Resource(const ResourceRecord& record) override {
    std::string line = ResourceLine(record);
    std::lock_guard<std::mutex> lock(mutex_);
    ++summary_.resources[record.type];
    write_(line);
  }
  void Error(const CollectionError& error) override {
    std::string line = ErrorLine(error);
    std::lock_guard<std::mutex> lock(mutex_);
    ++summary_.errors[std::string(ErrorKindName(error.kind))];
    write_(line);
    if (on_error_) on_error_(error);
  }
  void Line(const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    write_(line);
  }
  void Account(const std::string& account, const std::vector<std::string>& regions,
               const std::optional<PublicAccessBlock>& block) {
    std::string line = AccountLine(account, regions, block ? &*block : nullptr);
    std::lock_guard<std::mutex> lock(mutex_);
    summary_.accounts.push_back(account);
    summary_.regions[account] = regions;
    write_(line);
  }

 private:
  std::mutex mutex_;
  const LineWriter& write_;
  const std::function<void(const CollectionError&)>& on_error_;
  CollectSummary& summary_;
};

// A fixed set of threads running tasks that may add tasks; Wait returns when all are done.
class TaskPool {
 public:
  TaskPool(int threads, const ProgressCallback& progress) : progress_(progress) {
    for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { Work(); });
  }
  ~TaskPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }
  void Add(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      tasks_.push_back(std::move(task));
      ++pending_;
      ++total_;
    }
    ready_.notify_one();
  }
  void Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
  }

 private:
  void Work() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
      std::lock_guard<std::mutex> lock(mutex_);
      ++finished_;
      if (progress_) progress_(finished_, total_);
      if (--pending_ == 0) done_.notify_all();
    }
  }

  const ProgressCallback& progress_;
  std::mutex mutex_;
  std::condition_variable ready_, done_;
  std::deque<std::function<void()>> tasks_;
  size_t pending_ = 0, total_ = 0, finished_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

ServiceCall Organizations(std::string_view operation, std::string body) {
  return JsonCall(aws::AwsService::kOrganizations, "AWSOrganizationsV20161128", "1.1", operation,
                  base::Concat("organizations:", operation), std::move(body));
}

std::string TokenBody(std::string_view key, std::string_view value, const std::string& next) {
  json::Writer w;
  w.BeginObject();
  if (!key.empty()) w.Key(key).String(value);
  if (!next.empty()) w.Key("NextToken").String(next);
  w.EndObject();
  return std::move(w).Take();
}

absl::StatusOr<json::Document> CallJson(const AwsCaller& caller, const ServiceCall& call,
                                        std::string_view region) {
  ASSIGN_OR_RETURN(aws::HttpResponse response, caller.Call(call, region));
  return JsonBody(response, call.operation);
}

struct OrganizationWalk {
  std::string id;
  std::string management_account;
  std::vector<OrganizationAccountEntry> accounts;  // ACTIVE accounts, with their OU paths
};

absl::StatusOr<OrganizationWalk> WalkOrganization(const AwsCaller& caller,
                                                  const std::string& region, RecordSink& sink,
                                                  const std::string& own_account) {
  OrganizationWalk walk;
  ASSIGN_OR_RETURN(json::Document organization,
                   CallJson(caller, Organizations("DescribeOrganization", "{}"), region));
  std::optional<json::Value> description = organization.root().Find("Organization");
  if (!description) return absl::DataLossError("DescribeOrganization: no Organization");
  walk.id = JsonString(*description, "Id");
  walk.management_account = JsonString(*description, "MasterAccountId");

  std::vector<std::pair<std::string, std::string>> accounts;  // id, status
  std::string next;
  for (int page = 0; page < 10'000; ++page) {
    ASSIGN_OR_RETURN(
        json::Document list,
        CallJson(caller, Organizations("ListAccounts", TokenBody("", "", next)), region));
    for (const json::Value& account : JsonArray(list.root(), "Accounts"))
      accounts.emplace_back(JsonString(account, "Id"), JsonString(account, "Status"));
    next = JsonString(list.root(), "NextToken");
    if (next.empty()) break;
  }
  // The OU path: ListParents from the account up to the root; parents are memoised.
  std::map<std::string, std::string> parent_of;  // child id -> parent id
  auto parent = [&](const std::string& child) -> absl::StatusOr<std::string> {
    if (auto it = parent_of.find(child); it != parent_of.end()) return it->second;
    ASSIGN_OR_RETURN(
        json::Document parents,
        CallJson(caller, Organizations("ListParents", TokenBody("ChildId", child, "")), region));
    std::vector<json::Value> list = JsonArray(parents.root(), "Parents");
    if (list.empty())
      return absl::DataLossError(base::Concat("ListParents ", child, ": no parent"));
    std::string id = JsonString(list.front(), "Id");
    parent_of[child] = id;
    return id;
  };
  for (const auto& [id, status] : accounts) {
    if (status != "ACTIVE") continue;
    std::vector<std::string> chain;
    std::string at = id;
    absl::Status failure;
    for (int depth = 0; depth < 10; ++depth) {  // Organizations nests OUs at most five deep
      absl::StatusOr<std::string> up = parent(at);
      if (!up.ok()) {
        failure = up.status();
        break;
      }
      chain.push_back(*up);
      if (up->starts_with("r-")) break;
      at = *up;
    }
    if (!failure.ok()) {
      sink.Error(CollectionError{ClassifyError(failure), own_account, "", "Organizations",
                                 "ListParents", id, aws::AwsErrorCode(failure),
                                 std::string(failure.message())});
      chain.clear();
    }
    std::string path;
    if (!chain.empty()) {
      path = walk.id + "/";
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) path += *it + "/";
    }
    walk.accounts.push_back({id, path});
  }
  return walk;
}

std::vector<std::string> EnabledRegions(const Scope& scope, const std::string& home_region) {
  std::vector<std::string> regions;
  std::string next;
  absl::Status failure;
  for (int page = 0; page < 100; ++page) {
    ServiceCall call = ListRegionsCall(next);
    absl::StatusOr<json::Document> list = CallJson(scope.caller, call, home_region);
    if (!list.ok()) {
      failure = list.status();
      regions.clear();
      break;
    }
    for (const json::Value& region : JsonArray(list->root(), "Regions"))
      regions.push_back(JsonString(region, "RegionName"));
    next = JsonString(list->root(), "NextToken");
    if (next.empty()) break;
  }
  if (failure.ok() && !regions.empty()) return regions;
  // EC2 DescribeRegions lists the regions enabled for the account.
  ServiceCall describe = DescribeRegionsCall();
  absl::StatusOr<aws::HttpResponse> answer = scope.caller.Call(describe, home_region);
  if (answer.ok()) {
    absl::StatusOr<std::unique_ptr<XmlElement>> root = XmlBody(*answer, describe.operation);
    if (root.ok()) {
      if (const XmlElement* info = (*root)->Child("regionInfo")) {
        for (const XmlElement* item : info->Children("item")) {
          if (std::optional<std::string> name = item->Text("regionName")) regions.push_back(*name);
        }
      }
      if (!regions.empty()) return regions;
    }
    failure = root.ok() ? absl::DataLossError("DescribeRegions: no region") : root.status();
  } else {
    failure = answer.status();
  }
  scope.Fail(describe, home_region, "", failure);
  return aws::DefaultEnabledRegions(scope.partition);
}

}  // namespace

absl::StatusOr<CollectSummary> Collect(const AwsCaller& caller, const CollectOptions& options,
                                       const LineWriter& write, const ProgressCallback& progress) {
  CollectSummary summary;
  Output output(write, options.on_error, summary);
  std::string partition = aws::PartitionOf(options.home_region);

  ASSIGN_OR_RETURN(aws::HttpResponse identity_answer,
                   caller.Call(GetCallerIdentityCall(), options.home_region));
  ASSIGN_OR_RETURN(std::unique_ptr<XmlElement> identity,
                   XmlBody(identity_answer, "GetCallerIdentity"));
  std::string own_account = identity->Text("GetCallerIdentityResult/Account").value_or("");
  if (own_account.empty()) return absl::DataLossError("GetCallerIdentity: no Account");

  std::vector<std::string> accounts = {own_account};
  if (options.organization) {
    ASSIGN_OR_RETURN(OrganizationWalk walk,
                     WalkOrganization(caller, options.home_region, output, own_account));
    output.Line(OrganizationLine(walk.id, walk.management_account, walk.accounts));
    accounts.clear();
    for (const OrganizationAccountEntry& entry : walk.accounts)
      accounts.push_back(entry.account_id);
  }

  // Callers of the member accounts live until the pool is done.
  std::mutex callers_mutex;
  std::vector<std::unique_ptr<AwsCaller>> callers;
  {
    TaskPool pool(options.concurrency, progress);
    for (const std::string& account : accounts) {
      pool.Add([&, account] {
        const AwsCaller* account_caller = &caller;
        if (account != own_account) {
          std::string role =
              base::Concat("arn:", partition, ":iam::", account, ":role/", options.role_name);
          absl::StatusOr<std::unique_ptr<AwsCaller>> assumed =
              caller.AssumeRole(role, options.external_id, options.home_region);
          if (!assumed.ok()) {
            output.Error(CollectionError{ClassifyError(assumed.status()), account, "", "STS",
                                         "AssumeRole", role, aws::AwsErrorCode(assumed.status()),
                                         std::string(assumed.status().message())});
            return;
          }
          std::lock_guard<std::mutex> lock(callers_mutex);
          callers.push_back(std::move(*assumed));
          account_caller = callers.back().get();
        }
        Scope global{*account_caller, output, account, partition, ""};
        std::vector<std::string> regions =
            options.regions.empty() ? EnabledRegions(global, options.home_region) : options.regions;
        output.Account(account, regions, ReadAccountPublicAccessBlock(global, options.home_region));
        pool.Add([&, account_caller, account] {
          CollectIamRoles(Scope{*account_caller, output, account, partition, ""},
                          options.home_region);
        });
        pool.Add([&, account_caller, account, regions] {
          CollectS3Buckets(Scope{*account_caller, output, account, partition, ""},
                           options.home_region, regions);
        });
        for (const std::string& region : regions) {
          pool.Add([&, account_caller, account, region] {
            std::atomic<bool> disabled{false};
            CollectRegion(Scope{*account_caller, output, account, partition, region, &disabled});
          });
        }
      });
    }
    pool.Wait();
  }
  return summary;
}

}  // namespace perimeter::collect
