/**
 * Realistic welcome kits for tests and `bench/pdf.ts`: a fictional city, four sections, services with long
 * names, phone numbers and hours, and one English-only service inside the Arabic and Persian kits.
 */
import type { TKitPdfInput, TKitPdfService } from './kit.schema.ts';

type Locale = 'en' | 'ar' | 'fa' | 'uk';

interface Words {
  dir: 'ltr' | 'rtl';
  title: string;
  city: string;
  intro: string;
  promise: string;
  qrCaption: string;
  printedOn: string;
  emergency: { title: string; text: string };
  labels: { noId: string; free: string; walkIn: string; interpreter: string };
  hours: string;
  sections: { id: string; title: string; intro: string; services: { name: string; description: string }[] }[];
}

const words: Record<Locale, Words> = {
  en: {
    dir: 'ltr',
    title: 'Welcome kit',
    city: 'Rivertown',
    intro: 'Places where you can get help in your first weeks. You do not need papers for any of them.',
    promise:
      'We do not ask about immigration status. Nothing you tell these services is shared with the police.',
    qrCaption: 'This kit online',
    printedOn: 'Printed on 29 November 2026',
    emergency: { title: 'Emergency', text: 'Call for free from any phone, day and night.' },
    labels: { noId: 'No ID needed', free: 'Free', walkIn: 'Walk in', interpreter: 'Interpreter' },
    hours: 'Monday to Friday 9:00–17:00',
    sections: [
      {
        id: 'first-days',
        title: 'Your first days',
        intro: 'Start here: a place to sleep, food, and someone to talk to.',
        services: [
          {
            name: 'Newcomers Welcome Centre of the Rivertown Municipal Social Services Department',
            description: 'Advice on everything, in many languages. Ask for a free city travel card.',
          },
          {
            name: 'Harbour Night Shelter',
            description: 'A bed for the night and a hot meal. Come before 21:00.',
          },
        ],
      },
      {
        id: 'health',
        title: 'Health',
        intro: 'You can see a doctor even without a health card.',
        services: [
          {
            name: 'Street Clinic for People Without Health Insurance',
            description: 'Doctors and nurses see you for free. Bring any medicine you take.',
          },
        ],
      },
      {
        id: 'legal-help',
        title: 'Legal help',
        intro: 'Free lawyers answer questions about your rights.',
        services: [
          {
            name: 'Rivertown Bar Association Free Legal Advice Service for Migrants and Refugees',
            description: 'Confidential advice on asylum, work and housing.',
          },
        ],
      },
      {
        id: 'language-classes',
        title: 'Language classes',
        intro: 'Learn the language for free, at every level.',
        services: [
          { name: 'Open Library Conversation Tables', description: 'Practise speaking every week.' },
        ],
      },
    ],
  },
  ar: {
    dir: 'rtl',
    title: 'دليل الترحيب',
    city: 'مدينة النهر',
    intro: 'أماكن تساعدك في أسابيعك الأولى. لا تحتاج إلى أوراق رسمية لأي منها.',
    promise: 'نحن لا نسأل عن وضع الإقامة. لا يُشارك أي شيء تقوله لهذه الخدمات مع الشرطة.',
    qrCaption: 'هذا الدليل على الإنترنت',
    printedOn: 'طُبع في 29 نوفمبر 2026',
    emergency: { title: 'الطوارئ', text: 'اتصل مجانًا من أي هاتف، ليلًا ونهارًا.' },
    labels: { noId: 'بدون هوية', free: 'مجاني', walkIn: 'بدون موعد', interpreter: 'مترجم' },
    hours: 'من الإثنين إلى الجمعة 9:00–17:00',
    sections: [
      {
        id: 'first-days',
        title: 'أيامك الأولى',
        intro: 'ابدأ هنا: مكان للنوم وطعام وشخص تتحدث معه.',
        services: [
          {
            name: 'مركز استقبال القادمين الجدد التابع لدائرة الخدمات الاجتماعية في بلدية مدينة النهر',
            description: 'نصائح في كل شيء وبلغات كثيرة. اطلب بطاقة نقل مجانية في المدينة.',
          },
          { name: 'مأوى الميناء الليلي', description: 'سرير للنوم ووجبة ساخنة. تعال قبل الساعة 21:00.' },
        ],
      },
      {
        id: 'health',
        title: 'الصحة',
        intro: 'يمكنك زيارة طبيب حتى بدون بطاقة صحية.',
        services: [
          {
            name: 'عيادة الشارع للأشخاص بدون تأمين صحي',
            description: 'يستقبلك أطباء وممرضون مجانًا. أحضر أي دواء تتناوله.',
          },
        ],
      },
      {
        id: 'legal-help',
        title: 'المساعدة القانونية',
        intro: 'محامون مجانيون يجيبون عن أسئلتك حول حقوقك.',
        services: [
          {
            name: 'خدمة الاستشارات القانونية المجانية للمهاجرين واللاجئين',
            description: 'استشارة سرية حول اللجوء والعمل والسكن.',
          },
        ],
      },
      {
        id: 'language-classes',
        title: 'دروس اللغة',
        intro: 'تعلّم اللغة مجانًا وفي كل المستويات.',
        services: [{ name: 'طاولات المحادثة في المكتبة العامة', description: 'تدرّب على الكلام كل أسبوع.' }],
      },
    ],
  },
  fa: {
    dir: 'rtl',
    title: 'راهنمای خوش‌آمدگویی',
    city: 'شهر رودخانه',
    intro: 'جاهایی که در هفته‌های اول به شما کمک می‌کنند. برای هیچ‌کدام به مدارک نیاز ندارید.',
    promise:
      'ما درباره وضعیت اقامت شما سؤال نمی‌کنیم. هیچ چیزی که به این خدمات می‌گویید با پلیس در میان گذاشته نمی‌شود.',
    qrCaption: 'این راهنما در اینترنت',
    printedOn: 'چاپ شده در ۸ آذر ۱۴۰۵',
    emergency: { title: 'اورژانس', text: 'از هر تلفنی، شب و روز، رایگان تماس بگیرید.' },
    labels: { noId: 'بدون مدرک شناسایی', free: 'رایگان', walkIn: 'بدون وقت قبلی', interpreter: 'مترجم' },
    hours: 'دوشنبه تا جمعه 9:00–17:00',
    sections: [
      {
        id: 'first-days',
        title: 'روزهای اول شما',
        intro: 'از اینجا شروع کنید: جای خواب، غذا و کسی برای صحبت.',
        services: [
          {
            name: 'مرکز پذیرش تازه‌واردان اداره خدمات اجتماعی شهرداری شهر رودخانه',
            description: 'مشاوره درباره همه چیز به زبان‌های مختلف. کارت رایگان حمل‌ونقل شهری بخواهید.',
          },
          { name: 'سرپناه شبانه بندر', description: 'تخت برای شب و یک غذای گرم. قبل از ساعت 21:00 بیایید.' },
        ],
      },
      {
        id: 'health',
        title: 'سلامت',
        intro: 'حتی بدون کارت بیمه می‌توانید پیش پزشک بروید.',
        services: [
          {
            name: 'درمانگاه خیابانی برای افراد بدون بیمه درمانی',
            description: 'پزشکان و پرستاران رایگان شما را معاینه می‌کنند. داروهایتان را همراه بیاورید.',
          },
        ],
      },
      {
        id: 'legal-help',
        title: 'کمک حقوقی',
        intro: 'وکیلان رایگان به پرسش‌های شما درباره حقوقتان پاسخ می‌دهند.',
        services: [
          {
            name: 'خدمات مشاوره حقوقی رایگان برای مهاجران و پناهندگان',
            description: 'مشاوره محرمانه درباره پناهندگی، کار و مسکن.',
          },
        ],
      },
      {
        id: 'language-classes',
        title: 'کلاس‌های زبان',
        intro: 'زبان را رایگان و در همه سطح‌ها یاد بگیرید.',
        services: [
          { name: 'میزهای گفت‌وگو در کتابخانه عمومی', description: 'هر هفته صحبت کردن را تمرین کنید.' },
        ],
      },
    ],
  },
  uk: {
    dir: 'ltr',
    title: 'Довідник для новоприбулих',
    city: 'Рівертаун',
    intro: 'Місця, де вам допоможуть у перші тижні. Для жодного з них не потрібні документи.',
    promise:
      'Ми не питаємо про міграційний статус. Нічого з того, що ви скажете цим службам, не передається поліції.',
    qrCaption: 'Цей довідник в інтернеті',
    printedOn: 'Надруковано 29 листопада 2026 року',
    emergency: {
      title: 'Екстрена допомога',
      text: 'Дзвоніть безкоштовно з будь-якого телефона, вдень і вночі.',
    },
    labels: { noId: 'Без документів', free: 'Безкоштовно', walkIn: 'Без запису', interpreter: 'Перекладач' },
    hours: 'Понеділок–пʼятниця 9:00–17:00',
    sections: [
      {
        id: 'first-days',
        title: 'Перші дні',
        intro: 'Почніть звідси: ночівля, їжа і людина, з якою можна поговорити.',
        services: [
          {
            name: 'Центр зустрічі новоприбулих при департаменті соціальних служб міської ради Рівертауна',
            description: 'Поради з усіх питань багатьма мовами. Попросіть безкоштовний проїзний.',
          },
          { name: 'Нічний притулок «Гавань»', description: 'Ліжко на ніч і гаряча їжа. Приходьте до 21:00.' },
        ],
      },
      {
        id: 'health',
        title: 'Здоровʼя',
        intro: 'Ви можете піти до лікаря навіть без медичної картки.',
        services: [
          {
            name: 'Вулична клініка для людей без медичного страхування',
            description: 'Лікарі та медсестри приймають безкоштовно. Візьміть ліки, які ви приймаєте.',
          },
        ],
      },
      {
        id: 'legal-help',
        title: 'Юридична допомога',
        intro: 'Безкоштовні юристи відповідають на питання про ваші права.',
        services: [
          {
            name: 'Безкоштовна юридична консультація для мігрантів і біженців',
            description: 'Конфіденційні поради щодо притулку, роботи й житла.',
          },
        ],
      },
      {
        id: 'language-classes',
        title: 'Мовні курси',
        intro: 'Вивчайте мову безкоштовно, на будь-якому рівні.',
        services: [{ name: 'Розмовний клуб у міській бібліотеці', description: 'Практикуйте мову щотижня.' }],
      },
    ],
  },
};

/** A service only described in English, as a city often has; it keeps its own language in every kit. */
const englishOnly: TKitPdfService = {
  name: 'Rainbow Refugee Support Group',
  lang: 'en',
  dir: 'ltr',
  description: 'Peer support for LGBTIQ newcomers, in English only.',
  phone: '+34 600 555 019',
  address: 'Canal Street 4, Rivertown',
  labels: [],
};

const addresses = [
  'River Street 12',
  'Harbour Square 3',
  'Mill Lane 27',
  'Station Road 101',
  'Library Park 1',
];

/** The welcome kit of the fictional city in one of four languages; `extra` replaces any top-level field. */
export function sampleKit(locale: Locale, extra: Partial<TKitPdfInput> = {}): TKitPdfInput {
  const w = words[locale];
  let n = 0;
  return {
    locale,
    dir: w.dir,
    title: w.title,
    city: w.city,
    intro: w.intro,
    promise: w.promise,
    url: `https://rivertown.example/${locale}/kit`,
    qrCaption: w.qrCaption,
    printedOn: w.printedOn,
    emergency: { title: w.emergency.title, text: w.emergency.text, number: '112' },
    sections: w.sections.map((section, index) => ({
      id: section.id,
      title: section.title,
      intro: section.intro,
      services: [
        ...section.services.map((service): TKitPdfService => {
          n += 1;
          return {
            name: service.name,
            lang: locale,
            dir: w.dir,
            description: service.description,
            phone: `+34 600 123 ${String(400 + n).padStart(3, '0')}`,
            address: `${addresses[n % addresses.length]}, ${w.city}`,
            hours: w.hours,
            labels:
              n % 2 ? [w.labels.noId, w.labels.free, w.labels.walkIn] : [w.labels.free, w.labels.interpreter],
          };
        }),
        ...(index === 0 ? [{ ...englishOnly, labels: [w.labels.free] }] : []),
      ],
    })),
    ...extra,
  };
}

export const sampleLocales: Locale[] = ['en', 'ar', 'fa', 'uk'];
