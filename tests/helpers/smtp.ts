// A real SMTP server (the smtp-server package) on a free loopback port, keeping every mail
// it receives, parsed (mailparser), for tests that follow a mailed link.
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { eventually } from "./conversations.ts";

export type ReceivedMail = { to: string; subject: string; text: string };

export type TestSmtp = {
  url: string;
  mails: ReceivedMail[];
  /** Waits for a mail to `to` (the first not taken yet) and takes it. */
  nextMailTo(to: string): Promise<ReceivedMail>;
  close(): Promise<void>;
};

export async function startSmtp(): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: no TLS certificate to make, no login to check.
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          for (const recipient of session.envelope.rcptTo) {
            mails.push({ to: recipient.address, subject: parsed.subject ?? "", text: parsed.text ?? "" });
          }
          callback();
        })
        .catch(callback);
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  const taken = new Set<ReceivedMail>();
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async nextMailTo(to) {
      const find = () => mails.find((m) => m.to === to && !taken.has(m));
      await eventually(() => find() !== undefined, `a mail to ${to}`);
      const mail = find() as ReceivedMail;
      taken.add(mail);
      return mail;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The reset link in a mail's text. */
export function linkIn(mail: ReceivedMail): string {
  const link = mail.text.match(/https?:\/\/\S+\/reset-password#\S+/)?.[0];
  if (!link) throw new Error(`no reset link in: ${mail.text}`);
  return link;
}
