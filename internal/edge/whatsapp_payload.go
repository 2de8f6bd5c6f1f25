package edge

// waWebhook is the WhatsApp Cloud API webhook payload (object whatsapp_business_account,
// field messages). Only what the edge records is read; contacts (profile names) are not.
type waWebhook struct {
	Object string `json:"object"`
	Entry  []struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string  `json:"field"`
			Value waValue `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type waValue struct {
	Statuses []waStatus  `json:"statuses"`
	Messages []waMessage `json:"messages"`
}

type waStatus struct {
	ID           string `json:"id"`
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
