#include "perimeter/collect/xml.h"

#include <expat.h>

#include "absl/status/status.h"
#include "perimeter/base/text.h"

namespace perimeter::collect {

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const auto& child : children) {
    if (child->name == child_name) return child.get();
  }
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::Children(std::string_view child_name) const {
  std::vector<const XmlElement*> out;
  for (const auto& child : children) {
    if (child->name == child_name) out.push_back(child.get());
  }
  return out;
}

const XmlElement* XmlElement::Find(std::string_view path) const {
  const XmlElement* at = this;
  while (at != nullptr && !path.empty()) {
    size_t slash = path.find('/');
    at = at->Child(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return at;
}

std::optional<std::string> XmlElement::Text(std::string_view path) const {
  const XmlElement* element = Find(path);
  if (element == nullptr) return std::nullopt;
  return element->text;
}

namespace {

struct Builder {
  std::unique_ptr<XmlElement> root;
  std::vector<XmlElement*> stack;
  bool refused = false;
};

std::string LocalName(const char* name) {
  std::string_view view(name);
  // With namespace processing, expat joins URI and local name with '\x01'.
  size_t separator = view.rfind('\x01');
  if (separator != std::string_view::npos) view = view.substr(separator + 1);
  return std::string(view);
}

void OnStart(void* data, const XML_Char* name, const XML_Char**) {
  auto* builder = static_cast<Builder*>(data);
  auto element = std::make_unique<XmlElement>();
  element->name = LocalName(name);
  XmlElement* raw = element.get();
  if (builder->stack.empty()) {
    builder->root = std::move(element);
  } else {
    builder->stack.back()->children.push_back(std::move(element));
  }
  builder->stack.push_back(raw);
}

void OnEnd(void* data, const XML_Char*) { static_cast<Builder*>(data)->stack.pop_back(); }

void OnText(void* data, const XML_Char* text, int length) {
  auto* builder = static_cast<Builder*>(data);
  if (!builder->stack.empty())
    builder->stack.back()->text.append(text, static_cast<size_t>(length));
}

// No document type declarations: AWS answers have none, and refusing them rules out entity
// expansion.
void OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* builder = static_cast<Builder*>(data);
  builder->refused = true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<XmlElement>> ParseXml(std::string_view text) {
  Builder builder;
  XML_Parser parser = XML_ParserCreateNS(nullptr, '\x01');
  if (parser == nullptr) return absl::ResourceExhaustedError("cannot create an XML parser");
  XML_SetUserData(parser, &builder);
  XML_SetElementHandler(parser, OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser, OnText);
  XML_SetStartDoctypeDeclHandler(parser, OnDoctype);
  XML_Status status = XML_Parse(parser, text.data(), static_cast<int>(text.size()), XML_TRUE);
  absl::Status result;
  if (builder.refused) {
    result = absl::DataLossError("the XML answer has a document type declaration");
  } else if (status != XML_STATUS_OK) {
    result = absl::DataLossError(base::Concat(
        "malformed XML at line ", static_cast<int64_t>(XML_GetCurrentLineNumber(parser)), ": ",
        XML_ErrorString(XML_GetErrorCode(parser))));
  } else if (builder.root == nullptr) {
    result = absl::DataLossError("the XML answer has no element");
  }
  XML_ParserFree(parser);
  if (!result.ok()) return result;
  return std::move(builder.root);
}

}  // namespace perimeter::collect
