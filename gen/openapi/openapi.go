// Package openapi embeds the OpenAPI v2 document generated from proto/ for
// every service (sas.swagger.json), served by the gateway as /openapi.json.
// This file is the only hand-written one in gen/.
package openapi

import _ "embed"

// JSON is the merged OpenAPI v2 document of every service.
//
//go:embed sas.swagger.json
var JSON []byte
