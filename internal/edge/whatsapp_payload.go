package edge

// waWebhook is the WhatsApp Cloud API webhook payload (object whatsapp_business_account).
// Only what the edge records or routes by is read; contacts (profile names) are not.
type waWebhook struct {
	Object string `json:"object"`
	Entry  []struct {
		// ID is the WhatsApp Business Account: template and messaging limit changes
		// are routed to its Channels (spec.whatsapp.businessAccountId).
		ID string `json:"id"`
		// Time is when Meta triggered the webhook (unix seconds): the order of account
		// events, which may arrive late or twice.
		Time    int64      `json:"time"`
		Changes []waChange `json:"changes"`
	} `json:"entry"`
}

// waChange is one change; field says which kind: "messages" (statuses and inbound
// messages), or a template event (message_template_status_update,
// message_template_quality_update, template_category_update).
type waChange struct {
	Field string  `json:"field"`
	Value waValue `json:"value"`
}

type waValue struct {
	// Metadata names the business number the change is about: the routing key to the
	// namespace whose WhatsApp Channel owns that number.
	Metadata struct {
		PhoneNumberID string `json:"phone_number_id"`
	} `json:"metadata"`
	Statuses []waStatus  `json:"statuses"`
	Messages []waMessage `json:"messages"`

	// Template events (field message_template_*): about an approved template, not a lead.
	Event                   string `json:"event"`
	MessageTemplateName     string `json:"message_template_name"`
	MessageTemplateLanguage string `json:"message_template_language"`
	NewQualityScore         string `json:"new_quality_score"`
	PreviousQualityScore    string `json:"previous_quality_score"`
	// Reason is Meta's reason (NONE for a pause; null when scheduled for deletion).
	Reason *string `json:"reason"`
	// OtherInfo is sent with a pause or unpause: title FIRST_PAUSE, SECOND_PAUSE,
	// RATE_LIMITING_PAUSE, UNPAUSE, DISABLED.
	OtherInfo *struct {
		Title string `json:"title"`
	} `json:"other_info"`

	// Number events (field phone_number_quality_update): the messaging limit of the
	// number Meta displays as DisplayPhoneNumber.
	DisplayPhoneNumber string `json:"display_phone_number"`
	CurrentLimit       string `json:"current_limit"`
	// MaxDailyConversationsPerBusiness is the business portfolio's limit, which Meta
	// says replaces current_limit.
	MaxDailyConversationsPerBusiness string `json:"max_daily_conversations_per_business"`
}

type waStatus struct {
	ID           string `json:"id"`     // the wamid of the message we sent
	Status       string `json:"status"` // sent, delivered, read, failed
	Timestamp    string `json:"timestamp"`
	CallbackData string `json:"biz_opaque_callback_data"`
	Errors       []struct {
		Code int `json:"code"`
	} `json:"errors"`
}

type waMessage struct {
	From        string   `json:"from"`
	ID          string   `json:"id"`
	Timestamp   string   `json:"timestamp"`
	Type        string   `json:"type"`
	Text        *waText  `json:"text"`
	Button      *waText  `json:"button"`
	Image       *waMedia `json:"image"`
	Video       *waMedia `json:"video"`
	Document    *waMedia `json:"document"`
	Reaction    *waEmoji `json:"reaction"`
	Interactive *struct {
		ButtonReply *waTitle `json:"button_reply"`
		ListReply   *waTitle `json:"list_reply"`
	} `json:"interactive"`
}

type waText struct {
	Body string `json:"body"`
	Text string `json:"text"` // button.text
}
type waMedia struct {
	Caption string `json:"caption"`
}
type waEmoji struct {
	Emoji string `json:"emoji"`
}
type waTitle struct {
	Title string `json:"title"`
}

// text is what the customer wrote or tapped, read only to rate the reply.
func (m waMessage) text() string {
	switch {
	case m.Text != nil:
		return m.Text.Body
	case m.Button != nil:
		return m.Button.Text
	case m.Interactive != nil && m.Interactive.ButtonReply != nil:
		return m.Interactive.ButtonReply.Title
	case m.Interactive != nil && m.Interactive.ListReply != nil:
		return m.Interactive.ListReply.Title
	case m.Image != nil:
		return m.Image.Caption
	case m.Video != nil:
		return m.Video.Caption
	case m.Document != nil:
		return m.Document.Caption
	}
	return ""
}

// isReply says whether a message is something the customer sent us: system notices
// (number changed), unsupported types and removed reactions are not.
func (m waMessage) isReply() bool {
	switch m.Type {
	case "system", "unsupported", "request_welcome", "ephemeral", "errors":
		return false
	case "reaction":
		return m.Reaction != nil && m.Reaction.Emoji != ""
	}
	return m.ID != ""
}
