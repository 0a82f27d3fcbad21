// A .fl source span as the Model interface's SourceLocation.
import type { Span } from "@faultline/lang";
import type { SourceLocation } from "../model.js";

export function spanToLocation(span: Span): SourceLocation {
  return {
    file: span.file,
    line: span.start.line,
    col: span.start.col,
    endLine: span.end.line,
    endCol: span.end.col,
  };
}
