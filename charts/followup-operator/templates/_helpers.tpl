{{/* fullname: the release, plus "-followup-operator" unless the release name has it, plus
the region unless it is already one of the name's dash-separated words ("eu" in
"eu-followup-operator", not "eu" in "europe"). Every object name derives from it. */}}
{{- define "fo.fullname" -}}
{{- $n := .Release.Name -}}
{{- if not (contains "followup" $n) }}{{ $n = printf "%s-followup-operator" $n }}{{ end -}}
{{- if and .Values.region (not (has .Values.region (splitList "-" $n))) }}{{ $n = printf "%s-%s" $n .Values.region }}{{ end -}}
{{- $n | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* cluster-scoped names carry the release namespace too: two releases, two names. */}}
{{- define "fo.clusterName" -}}
{{- printf "%s-%s" .Release.Namespace (include "fo.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fo.labels" -}}
app.kubernetes.io/name: followup-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- with .Values.region }}
followup.io/region: {{ . }}
{{- end }}
{{- end -}}

{{- define "fo.selector" -}}
app.kubernetes.io/name: followup-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* leaderElectionID is unique per release and region. */}}
{{- define "fo.leaderElectionID" -}}
{{- printf "%s.%s.followup.io" (include "fo.fullname" .) .Release.Namespace -}}
{{- end -}}

{{- define "fo.leadSelector" -}}
{{- if .Values.leadSelector }}{{ .Values.leadSelector }}{{ else if and .Values.shardByRegionLabel .Values.region }}followup.io/region={{ .Values.region }}{{ end -}}
{{- end -}}

{{/* edgeSecretName: the Secret mounted into the edge: existingSecret, or the one the chart
creates from edge.secret, or "" (every edge endpoint then answers 503). */}}
{{- define "fo.edgeSecretName" -}}
{{- $s := .Values.edge.secret -}}
{{- $fromValues := or $s.intakeTokens $s.googleKeys $s.whatsappAppSecret $s.whatsappVerifyToken -}}
{{- if and .Values.edge.existingSecret $fromValues -}}
{{- fail "set edge.existingSecret or edge.secret, not both" -}}
{{- end -}}
{{- if .Values.edge.existingSecret }}{{ .Values.edge.existingSecret }}{{ else if $fromValues }}{{ include "fo.fullname" . }}-edge{{ end -}}
{{- end -}}

{{/* edgeSecretData: the chart-created Secret's data (also hashed into a pod annotation, so
new tokens restart the pods that read them at start). */}}
{{- define "fo.edgeSecretData" -}}
{{- with .Values.edge.secret }}
{{- with .intakeTokens }}
intake-token: {{ join "\n" . | b64enc }}
{{- end }}
{{- with .googleKeys }}
google-key: {{ join "\n" . | b64enc }}
{{- end }}
{{- with .whatsappAppSecret }}
whatsapp-app-secret: {{ . | b64enc }}
{{- end }}
{{- with .whatsappVerifyToken }}
whatsapp-verify-token: {{ . | b64enc }}
{{- end }}
{{- end }}
{{- end -}}

{{/* edgeURL: where Google, Meta and CRMs reach the edge from outside. */}}
{{- define "fo.edgeURL" -}}
{{- $i := .Values.edge.ingress -}}
{{- if and $i.enabled $i.host -}}
{{ if $i.tlsSecret }}https{{ else }}http{{ end }}://{{ $i.host }}
{{- else if .Values.edge.publicURL -}}
{{ .Values.edge.publicURL | trimSuffix "/" }}
{{- end -}}
{{- end -}}
