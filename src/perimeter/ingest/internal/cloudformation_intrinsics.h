// CloudFormation's intrinsic functions, resolved where the template alone decides them
// (CloudFormation User Guide, "Intrinsic function reference"): Ref, Fn::Sub, Fn::Join, Fn::GetAtt,
// Fn::Select, Fn::Split, Fn::FindInMap, and the pseudo-parameters AWS::AccountId, AWS::Region,
// AWS::Partition and AWS::URLSuffix (from IngestOptions). What only a deployment decides becomes a
// placeholder "{Name}" and a note: parameters without a value given (--parameter), AWS::AccountId
// and AWS::Region when not given, Fn::ImportValue, names CloudFormation generates. A placeholder
// never equals a real account id, so a principal "arn:aws:iam::{TrustedAccount}:root" is analyzed
// as an account outside every zone of trust: reported, never assumed inside. Fn::If cannot be
// decided offline: the resource is an error rather than a guess at one branch.
#ifndef PERIMETER_INGEST_INTERNAL_CLOUDFORMATION_INTRINSICS_H_
#define PERIMETER_INGEST_INTERNAL_CLOUDFORMATION_INTRINSICS_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/base/source_position.h"
#include "perimeter/ingest/ingest.h"
#include "perimeter/ingest/internal/inventory_builder.h"
#include "perimeter/ingest/internal/source_tree.h"

namespace perimeter::ingest::internal {

// What Ref and Fn::GetAtt return for the template's resources (each resource type's "Return values"
// section); the converter knows the types. nullopt: `logical_id` is no resource of the template.
class TemplateResourceValues {
 public:
  virtual ~TemplateResourceValues() = default;
  virtual std::optional<std::string> RefValue(std::string_view logical_id,
                                              base::SourcePosition at) = 0;
  virtual std::optional<std::string> GetAttValue(std::string_view logical_id,
                                                 std::string_view attribute,
                                                 base::SourcePosition at) = 0;
};

// Resolves the intrinsic functions of one template. A failure is reported once (ingest.unresolved)
// until ClearFailure(); the converter clears it before each resource and skips a resource that
// failed.
class TemplateIntrinsics {
 public:
  // `root` is the template (its Parameters and Mappings are read); all arguments outlive this
  // object.
  TemplateIntrinsics(const SourceNode& root, const IngestOptions& options,
                     InventoryBuilder& builder, TemplateResourceValues& resources);

  // Resolves every intrinsic function under `node`. nullopt: AWS::NoValue (the caller drops the
  // member) or a failure (failed() is set).
  std::optional<SourceNode> Resolve(const SourceNode& node) { return Resolve(node, 0); }
  // A value that names something: its resolved string, or nullopt (reported) when it cannot be one.
  std::optional<std::string> ResolveString(const SourceNode& node);

  // The deployment's account and region: from IngestOptions, or a placeholder and a note.
  std::string Account(base::SourcePosition position);
  std::string Region(base::SourcePosition position);

  // Reports `message` at `position` unless a failure was already reported, and sets failed().
  void Fail(base::SourcePosition position, std::string message);
  bool failed() const { return failed_; }
  void ClearFailure() { failed_ = false; }
  // Keep failures (failure()) instead of reporting them, for a caller that reports them in its
  // own words (`perimeter validate`: naming the resource and property not validated).
  void KeepFailures() { report_failures_ = false; }
  // The first failure since ClearFailure(): where, and why.
  const base::Issue& failure() const { return failure_; }
  // Strings Fn::Sub and Fn::Join build carry SourceNode::origins, found in `source` (the template's
  // text, which outlives this object), so that a finding inside one points at the text it came
  // from (`perimeter validate`).
  void TrackOrigins(std::string_view source) { origins_source_ = source; }

 private:
  std::string Unknown(std::string_view name, base::SourcePosition position, std::string_view why);
  std::optional<std::string> Ref(std::string_view name, base::SourcePosition at);
  std::optional<std::string> GetAtt(const SourceNode& argument);
  // With `origins`, the file offset of each byte of the result (TrackOrigins).
  std::optional<std::string> Sub(const SourceNode& argument, std::vector<uint32_t>* origins);
  // Where each byte of the resolved string `node` comes from: its own offsets
  // (StringByteOffsets), or `fallback` for every byte.
  std::vector<uint32_t> OffsetsOf(const SourceNode& node, uint32_t fallback) const;
  std::optional<SourceNode> Resolve(const SourceNode& node, int depth);

  const IngestOptions& options_;
  InventoryBuilder& builder_;
  TemplateResourceValues& resources_;
  std::set<std::string> parameters_;
  const SourceNode* mappings_ = nullptr;
  std::set<std::string> noted_;  // unknown values already noted
  bool failed_ = false;
  bool report_failures_ = true;
  base::Issue failure_;
  std::optional<std::string_view> origins_source_;
};

}  // namespace perimeter::ingest::internal

#endif  // PERIMETER_INGEST_INTERNAL_CLOUDFORMATION_INTRINSICS_H_
