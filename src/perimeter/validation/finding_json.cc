#include "perimeter/validation/finding_json.h"

namespace perimeter::validation {
namespace {

void WritePosition(json::Writer& writer, const Position& position) {
  writer.BeginObject()
      .Key("line")
      .Int(position.line)
      .Key("column")
      .Int(position.column)
      .Key("offset")
      .Int(position.offset)
      .EndObject();
}

void WritePathElement(json::Writer& writer, const PathElement& element) {
  writer.BeginObject();
  switch (element.kind) {
    case PathElement::Kind::kIndex:
      writer.Key("index").Int(element.index);
      break;
    case PathElement::Kind::kKey:
      writer.Key("key").String(element.text);
      break;
    case PathElement::Kind::kValue:
      writer.Key("value").String(element.text);
      break;
    case PathElement::Kind::kSubstring:
      writer.Key("substring")
          .BeginObject()
          .Key("start")
          .Int(element.start)
          .Key("length")
          .Int(element.length)
          .EndObject();
      break;
  }
  writer.EndObject();
}

}  // namespace

void WriteFinding(json::Writer& writer, const ValidationFinding& finding) {
  writer.BeginObject();
  WriteFindingMembers(writer, finding);
  writer.EndObject();
}

void WriteFindingMembers(json::Writer& writer, const ValidationFinding& finding) {
  writer.Key("findingDetails")
      .String(finding.finding_details)
      .Key("findingType")
      .String(FindingTypeName(finding.finding_type))
      .Key("issueCode")
      .String(finding.issue_code)
      .Key("learnMoreLink")
      .String(finding.learn_more_link)
      .Key("locations")
      .BeginArray();
  for (const Location& location : finding.locations) {
    writer.BeginObject().Key("path").BeginArray();
    for (const PathElement& element : location.path) WritePathElement(writer, element);
    writer.EndArray().Key("span").BeginObject().Key("start");
    WritePosition(writer, location.span.start);
    writer.Key("end");
    WritePosition(writer, location.span.end);
    writer.EndObject().EndObject();
  }
  writer.EndArray();
}

std::string ValidatePolicyResponseJson(std::span<const ValidationFinding> findings,
                                       const std::optional<std::string>& next_token,
                                       const json::WriterOptions& options) {
  json::Writer writer(options);
  writer.BeginObject().Key("findings").BeginArray();
  for (const ValidationFinding& finding : findings) WriteFinding(writer, finding);
  writer.EndArray();
  if (next_token) writer.Key("nextToken").String(*next_token);
  writer.EndObject();
  return std::move(writer).Take();
}

}  // namespace perimeter::validation
