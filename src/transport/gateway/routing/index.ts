export {
  comparePathTemplates,
  type PathBindings,
  type PathTemplate,
  parsePathTemplate,
  pathTemplateMatchesUnder,
  pathTemplateShape,
  type TemplateSegment,
  type TemplateVariable,
} from './path-template.ts';
export { type QueryParamsOptions, queryParamsToJson } from './query-params.ts';
export {
  boundFieldsOf,
  createRouteTable,
  HTTP_RULE_OPTION,
  type Route,
  type RouteLookup,
  type RouteTable,
} from './route-table.ts';
