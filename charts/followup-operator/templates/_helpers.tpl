{{/* fullname: the release, plus the region when set; every object name derives from it. */}}
{{- define "fo.fullname" -}}
{{- $n := .Release.Name -}}
{{- if not (contains "followup" $n) }}{{ $n = printf "%s-followup-operator" $n }}{{ end -}}
{{- if and .Values.region (not (contains .Values.region $n)) }}{{ $n = printf "%s-%s" $n .Values.region }}{{ end -}}
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
