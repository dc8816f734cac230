#include "perimeter/server/analysis_worker.h"

#include <chrono>

namespace perimeter::server {

namespace {

std::tuple<std::string, std::string, bool> QueueKey(const service::ScanJob& job) {
  return {job.analyzer_arn, job.resource_arn.value_or(""), job.principal_families};
}

}  // namespace

void AnalysisWorker::Schedule(service::ScanJob job) {
  std::lock_guard lock(mutex_);
  if (!queued_.insert(QueueKey(job)).second) return;
  queue_.push_back(std::move(job));
  wake_.notify_one();
}

void AnalysisWorker::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void AnalysisWorker::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AnalysisWorker::WaitIdle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return (queue_.empty() && !running_job_) || stopping_; });
}

void AnalysisWorker::Loop() {
  auto next_full_scan = std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(period_);
  while (true) {
    service::ScanJob job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_full_scan, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) break;
      if (queue_.empty()) {  // the period elapsed
        next_full_scan = std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(period_);
        job = service::ScanJob{};
      } else {
        job = std::move(queue_.front());
        queue_.pop_front();
        queued_.erase(QueueKey(job));
      }
      running_job_ = true;
    }
    absl::Status status;
    if (job.principal_families) {
      status = analysis_.ScanPrincipalFamilies();
    } else if (job.analyzer_arn.empty() && !job.resource_arn) {
      status = analysis_.ScanAll();
    } else if (job.analyzer_arn.empty()) {
      status = analysis_.ScanResourceEverywhere(*job.resource_arn);
    } else if (job.resource_arn) {
      status = analysis_.ScanResource(job.analyzer_arn, *job.resource_arn);
    } else {
      status = analysis_.ScanAnalyzer(job.analyzer_arn);
    }
    if (!status.ok())
      log_ << "perimeter: analysis failed: " << status.message() << "\n" << std::flush;
    {
      std::lock_guard lock(mutex_);
      running_job_ = false;
      if (queue_.empty()) idle_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  idle_.notify_all();
}

}  // namespace perimeter::server
