package i18n

func init() {
	for k, v := range map[string]string{
		"resolution.update": "person updated", "resolution.create": "separate person created", "resolution.discard": "row discarded",
	} {
		english[k] = v
	}
}
