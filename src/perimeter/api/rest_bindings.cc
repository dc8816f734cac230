#include "perimeter/api/rest_bindings.h"

namespace perimeter::api {

namespace {

// botocore data/accessanalyzer/2019-11-01/service-2.json, "http" of each operation.
constexpr RestBinding kBindings[] = {
    {"PUT", "/archive-rule", "ApplyArchiveRule"},
    {"PUT", "/policy/generation/{jobId}", "CancelPolicyGeneration"},
    {"POST", "/policy/check-access-not-granted", "CheckAccessNotGranted"},
    {"POST", "/policy/check-no-new-access", "CheckNoNewAccess"},
    {"POST", "/policy/check-no-public-access", "CheckNoPublicAccess"},
    {"PUT", "/access-preview", "CreateAccessPreview"},
    {"PUT", "/analyzer", "CreateAnalyzer"},
    {"PUT", "/analyzer/{analyzerName}/archive-rule", "CreateArchiveRule"},
    {"PUT", "/service-linked-analyzer", "CreateServiceLinkedAnalyzer"},
    {"DELETE", "/analyzer/{analyzerName}", "DeleteAnalyzer"},
    {"DELETE", "/analyzer/{analyzerName}/archive-rule/{ruleName}", "DeleteArchiveRule"},
    {"DELETE", "/service-linked-analyzer/{analyzerName}", "DeleteServiceLinkedAnalyzer"},
    {"POST", "/recommendation/{id}", "GenerateFindingRecommendation"},
    {"GET", "/access-preview/{accessPreviewId}", "GetAccessPreview"},
    {"GET", "/analyzed-resource", "GetAnalyzedResource"},
    {"GET", "/analyzer/{analyzerName}", "GetAnalyzer"},
    {"GET", "/analyzer/{analyzerName}/archive-rule/{ruleName}", "GetArchiveRule"},
    {"GET", "/finding/{id}", "GetFinding"},
    {"GET", "/recommendation/{id}", "GetFindingRecommendation"},
    {"GET", "/findingv2/{id}", "GetFindingV2"},
    {"POST", "/analyzer/findings/statistics", "GetFindingsStatistics"},
    {"GET", "/policy/generation/{jobId}", "GetGeneratedPolicy"},
    {"POST", "/access-preview/{accessPreviewId}", "ListAccessPreviewFindings"},
    {"GET", "/access-preview", "ListAccessPreviews"},
    {"POST", "/analyzed-resource", "ListAnalyzedResources"},
    {"GET", "/analyzer", "ListAnalyzers"},
    {"GET", "/analyzer/{analyzerName}/archive-rule", "ListArchiveRules"},
    {"POST", "/finding", "ListFindings"},
    {"POST", "/findingv2", "ListFindingsV2"},
    {"GET", "/policy/generation", "ListPolicyGenerations"},
    {"GET", "/tags/{resourceArn}", "ListTagsForResource"},
    {"PUT", "/policy/generation", "StartPolicyGeneration"},
    {"POST", "/resource/scan", "StartResourceScan"},
    {"POST", "/tags/{resourceArn}", "TagResource"},
    {"DELETE", "/tags/{resourceArn}", "UntagResource"},
    {"PUT", "/analyzer/{analyzerName}", "UpdateAnalyzer"},
    {"PUT", "/analyzer/{analyzerName}/archive-rule/{ruleName}", "UpdateArchiveRule"},
    {"PUT", "/finding", "UpdateFindings"},
    {"POST", "/policy/validation", "ValidatePolicy"},
};

}  // namespace

std::span<const RestBinding> RestBindings() { return kBindings; }

}  // namespace perimeter::api
