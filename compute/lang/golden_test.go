package lang

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.json from the current code")

const goldenPath = "testdata/golden.json"

// jsonText is a text in the golden file: a JSON string when it is valid
// UTF-8, else {"base64": "..."}.
type jsonText string

func (t jsonText) MarshalJSON() ([]byte, error) {
	if utf8.ValidString(string(t)) {
		return json.Marshal(string(t))
	}
	return json.Marshal(map[string]string{"base64": base64.StdEncoding.EncodeToString([]byte(t))})
}

func (t *jsonText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = jsonText(s)
		return nil
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(m["base64"])
	*t = jsonText(raw)
	return err
}

type goldenFile struct {
	Comment string       `json:"comment"`
	Config  Config       `json:"config"`
	Cases   []goldenCase `json:"cases"`
}

type goldenCase struct {
	Name   string   `json:"name"`
	Text   jsonText `json:"text"`
	Result Result   `json:"result"`
}

// goldenTexts are the inputs: prose in many scripts and languages (written
// for this test), mixtures, and the inputs that must give a defined row.
func goldenTexts() []struct{ name, text string } {
	return []struct{ name, text string }{
		{"empty", ""},
		{"white space", " \t\n\u00a0\u3000 "},
		{"digits and punctuation", "12 345,67 -- (2024) 3.14159 !!! ???"},
		{"invalid utf-8", "\xff\xfe\xfd \xc0\xaf \xed\xa0\x80"},
		{"binary", "\x00\x01\x02\x7f\x80\x81\xfe\xff\x1b[0m\x00PK\x03\x04"},
		{"one word", "hello"},
		{"english", "The library opens at nine in the morning and closes at six in the evening. Children can borrow up to five books at a time, and the reading room on the first floor is quiet all day."},
		{"french", "La bibliothèque ouvre à neuf heures du matin et ferme à six heures du soir. Les enfants peuvent emprunter jusqu'à cinq livres à la fois."},
		{"german", "Die Bibliothek öffnet um neun Uhr morgens und schließt um sechs Uhr abends. Kinder dürfen bis zu fünf Bücher gleichzeitig ausleihen."},
		{"spanish", "La biblioteca abre a las nueve de la mañana y cierra a las seis de la tarde. Los niños pueden llevarse hasta cinco libros a la vez."},
		{"portuguese", "A biblioteca abre às nove horas da manhã e fecha às seis da tarde. As crianças podem levar até cinco livros de cada vez."},
		{"italian", "La biblioteca apre alle nove del mattino e chiude alle sei di sera. I bambini possono prendere in prestito fino a cinque libri alla volta."},
		{"dutch", "De bibliotheek gaat om negen uur 's ochtends open en sluit om zes uur 's avonds. Kinderen mogen tot vijf boeken tegelijk lenen."},
		{"polish", "Biblioteka jest otwarta od dziewiątej rano do szóstej wieczorem. Dzieci mogą wypożyczyć do pięciu książek naraz."},
		{"swedish", "Biblioteket öppnar klockan nio på morgonen och stänger klockan sex på kvällen. Barn får låna upp till fem böcker åt gången."},
		{"finnish", "Kirjasto aukeaa aamulla yhdeksältä ja sulkeutuu illalla kuudelta. Lapset voivat lainata enintään viisi kirjaa kerrallaan."},
		{"turkish", "Kütüphane sabah dokuzda açılır ve akşam altıda kapanır. Çocuklar aynı anda en fazla beş kitap ödünç alabilir."},
		{"vietnamese", "Thư viện mở cửa lúc chín giờ sáng và đóng cửa lúc sáu giờ chiều. Trẻ em có thể mượn tối đa năm cuốn sách cùng lúc."},
		{"russian", "Библиотека открывается в девять часов утра и закрывается в шесть часов вечера. Дети могут брать до пяти книг одновременно."},
		{"ukrainian", "Бібліотека відчиняється о дев'ятій ранку і зачиняється о шостій вечора. Діти можуть брати до п'яти книжок одночасно."},
		{"greek", "Η βιβλιοθήκη ανοίγει στις εννέα το πρωί και κλείνει στις έξι το απόγευμα. Τα παιδιά μπορούν να δανειστούν έως πέντε βιβλία."},
		{"arabic", "تفتح المكتبة في الساعة التاسعة صباحا وتغلق في الساعة السادسة مساء. يمكن للأطفال استعارة خمسة كتب في المرة الواحدة."},
		{"hebrew", "הספרייה נפתחת בתשע בבוקר ונסגרת בשש בערב. ילדים יכולים לשאול עד חמישה ספרים בכל פעם."},
		{"hindi", "पुस्तकालय सुबह नौ बजे खुलता है और शाम छह बजे बंद होता है। बच्चे एक बार में पाँच किताबें ले सकते हैं।"},
		{"chinese", "图书馆早上九点开门，晚上六点关门。孩子们一次最多可以借五本书。"},
		{"japanese", "図書館は朝九時に開き、夕方六時に閉まります。子どもは一度に五冊まで本を借りることができます。"},
		{"korean", "도서관은 아침 아홉 시에 문을 열고 저녁 여섯 시에 문을 닫습니다. 어린이는 한 번에 다섯 권까지 빌릴 수 있습니다."},
		{"thai", "ห้องสมุดเปิดเวลาเก้าโมงเช้าและปิดเวลาหกโมงเย็น เด็ก ๆ สามารถยืมหนังสือได้ครั้งละห้าเล่ม"},
		{"short ambiguous", "Hotel Restaurant"},
		{"danish or norwegian", "Vi ses i morgen på stationen klokken otte."},
		{"czech or slovak", "Zajtra ráno pôjdeme na stanicu."},
		{"indonesian or malay", "Saya akan pergi ke pasar besok pagi."},
		{"spanish or catalan", "La casa de la plaza es molt gran."},
		{"short german", "Guten Morgen, wie geht es?"},
		{"brand names", "iPhone Samsung Galaxy Pixel"},
		{"mixed english french", "The meeting is at noon. La réunion est à midi, dans la grande salle. Please bring your notes. Merci beaucoup."},
		{"code", "func main() { fmt.Println(\"hello\") } // for i := 0; i < n; i++ { x[i] = y[i] * 2 }"},
		{"navigation words", "Home | About | Contact | Login | Search | Menu"},
		{"latin", "Gallia est omnis divisa in partes tres, quarum unam incolunt Belgae, aliam Aquitani, tertiam qui ipsorum lingua Celtae, nostra Galli appellantur."},
		{"long english", strings.Repeat("Every row that a node returns is compared with the rows of other nodes before anyone is paid for it. ", 800)},
		{"long cut inside a character", strings.Repeat("é", DefaultMaxBytes/2) + "é and then English words after the cut"},
	}
}

var (
	testDetOnce sync.Once
	testDet     *Detector
	testDetErr  error
)

// testDetector is the DefaultConfig detector, built once per test binary
// (lingua's models are process-wide anyway). Models load lazily in tests:
// that changes no result and keeps the qemu run short.
func testDetector(t testing.TB) *Detector {
	t.Helper()
	testDetOnce.Do(func() {
		cfg := DefaultConfig()
		cfg.Preload = false
		testDet, testDetErr = New(cfg)
	})
	if testDetErr != nil {
		t.Fatal(testDetErr)
	}
	return testDet
}

func makeGolden(t testing.TB) goldenFile {
	d := testDetector(t)
	g := goldenFile{
		Comment: "compute/lang golden vectors: Detect's result for each text under config (DESIGN.md). Texts that are not valid UTF-8 are {\"base64\": ...}. " +
			"Regenerate with go test ./compute/lang -run TestGolden -update; TestGoldenArm64 checks the same file under qemu-aarch64.",
		Config: DefaultConfig(),
	}
	for _, in := range goldenTexts() {
		g.Cases = append(g.Cases, goldenCase{Name: in.name, Text: jsonText(in.text), Result: d.Detect(in.text)})
	}
	return g
}

// TestGolden checks Detect against testdata/golden.json. A failure means
// a result changed (a lingua upgrade, a config change): every node would
// disagree with the nodes not yet upgraded. If intended, record it in
// DESIGN.md and regenerate with -update.
func TestGolden(t *testing.T) {
	want := makeGolden(t)
	enc, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	enc = append(enc, '\n')
	if *update {
		if err := os.WriteFile(goldenPath, enc, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (make it with go test ./compute/lang -run TestGolden -update)", err)
	}
	var got goldenFile
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Cases) != len(want.Cases) {
		t.Fatalf("golden.json has %d cases, the test makes %d", len(got.Cases), len(want.Cases))
	}
	for i := range want.Cases {
		g, w := got.Cases[i], want.Cases[i]
		if g.Name != w.Name || g.Text != w.Text || g.Result != w.Result {
			t.Errorf("case %q: got %+v, golden.json has %+v", w.Name, w.Result, g.Result)
		}
	}
	if !bytes.Equal(raw, enc) {
		t.Errorf("golden.json is not in canonical form; regenerate with -update")
	}
}
